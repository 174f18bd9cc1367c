using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Results;

namespace Sutro.Http;

/// <summary>
/// What one download fetches and what is known of it. The link is an API route (sent with the key) or a
/// pre-signed storage link (never sent with the key, never shown).
/// </summary>
internal sealed class DownloadRequest
{
    public DownloadRequest(Uri link, bool presigned, string jobId)
    {
        Link = link;
        Presigned = presigned;
        JobId = jobId;
    }

    public Uri Link { get; set; }

    public bool Presigned { get; }

    public string JobId { get; }

    /// <summary>The file's size as announced before the download (size_bytes), if any.</summary>
    public long? AnnouncedSize { get; init; }

    /// <summary>The ETag of the bytes already in the file, which a resumed download must still have.</summary>
    public string? ETag { get; set; }

    /// <summary>Asks for a fresh pre-signed link when the storage says the link expired (403); asked once.</summary>
    public Func<CancellationToken, Task<Uri>>? FreshLink { get; init; }

    /// <summary>Told the ETag (null: none, so not resumable) each time the download starts from byte 0.</summary>
    public Action<string?>? Started { get; init; }

    /// <summary>
    /// Validates the body while it downloads: the first try that starts at byte 0 writes through it; any retry,
    /// resume or restart abandons it (the file is then validated anew once complete).
    /// </summary>
    public ResultBodyValidator? Validator { get; init; }
}

/// <summary>
/// The one resumable download of the module, for the results route and the pre-signed artifact alike. A
/// body that breaks off, stalls or ends early is retried like any GET; each try asks only for the rest of
/// the file (<c>Range: bytes=N-</c> validated by <c>If-Range: &lt;ETag&gt;</c>) when the server gave a strong
/// ETag, and starts again from zero when the answer is a 200 or cannot continue the file.
/// </summary>
internal sealed partial class SutroApiClient
{
    /// <summary>
    /// Downloads into <paramref name="path"/>, continuing the bytes already there when
    /// <see cref="DownloadRequest.ETag"/> is known. Returns the file's size.
    /// </summary>
    public async Task<long> DownloadAsync(DownloadRequest download, string path, Action<long, long?> progress,
        CancellationToken cancellationToken)
    {
        if (download.AnnouncedSize is { } announcedSize)
        {
            RequireFreeSpace(path, announcedSize - (File.Exists(path) ? new FileInfo(path).Length : 0), download.JobId);
        }

        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 1,
            FileOptions.Asynchronous);
        bool refreshed = false;
        return await WithRetriesAsync(repeatable: true, async () =>
        {
            while (true)
            {
                long have = file.Length;
                bool resume = have > 0 && download.ETag is not null;
                HttpResponseMessage response;
                try
                {
                    response = await SendDownloadAsync(download, resume ? have : 0, cancellationToken).ConfigureAwait(false);
                }
                catch (SutroApiException ex) when (ex.StatusCode == 403 && download.FreshLink is not null && !refreshed)
                {
                    refreshed = true;
                    _verbose($"Job {download.JobId}: the storage refused the link (403; it has probably expired); " +
                        "asking for a fresh one.");
                    download.Link = await download.FreshLink(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                using (response)
                {
                    long start = 0;
                    string? served = response.Headers.ETag is { IsWeak: false } tag ? tag.Tag : null;
                    if (resume)
                    {
                        if (response.StatusCode == HttpStatusCode.PartialContent
                            && Continues(response, have, download.AnnouncedSize) && (served is null || served == download.ETag))
                        {
                            start = have;
                            _verbose($"Job {download.JobId}: resuming the download at byte {have}.");
                        }
                        else if (response.StatusCode != HttpStatusCode.OK)
                        {
                            _verbose($"Job {download.JobId}: the server cannot continue the earlier download " +
                                $"({(int)response.StatusCode}); starting again from zero.");
                            file.SetLength(0);
                            download.ETag = null;
                            continue;
                        }
                        else
                        {
                            _verbose($"Job {download.JobId}: the server sent the whole file instead of the rest " +
                                "(it changed, or it ignores ranges); starting again from zero.");
                        }
                    }

                    if (start == 0)
                    {
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new SutroApiException(ErrorIds.ResultsLinkFailed, ErrorCategory.InvalidResult,
                                $"The server answered {(int)response.StatusCode} to a plain download of job '{download.JobId}'. " +
                                "Run the command again.", (int)response.StatusCode);
                        }

                        download.ETag = served;
                        download.Started?.Invoke(served);
                    }

                    RefuseEncoding(response, download.JobId);
                    long? length = response.Content.Headers.ContentLength;
                    long? total = length is { } l ? start + l : null;
                    if (download.AnnouncedSize is { } size && total is { } t && t != size)
                    {
                        throw SizeMismatch(download.JobId, t, size);
                    }

                    long? expected = download.AnnouncedSize ?? total;
                    if (download.AnnouncedSize is null && expected is { } whole)
                    {
                        RequireFreeSpace(path, whole - start, download.JobId);
                    }

                    file.SetLength(start);
                    file.Position = start;
                    var validator = download.Validator;
                    bool tee = validator is { Fresh: true } && start == 0;
                    if (!tee)
                    {
                        validator?.Abandon();
                    }

                    long got;
                    try
                    {
                        await using var destination = tee ? validator!.Wrap(file, leaveOpen: true) : null;
                        got = await CopyBodyAsync(response, destination ?? file, start, expected, progress, cancellationToken,
                            limit: expected, path: path).ConfigureAwait(false);
                        if (download.AnnouncedSize is { } announced && got != announced)
                        {
                            throw SizeMismatch(download.JobId, got, announced);
                        }
                    }
                    catch when (tee)
                    {
                        validator!.Abandon();
                        throw;
                    }

                    if (tee)
                    {
                        validator!.Complete();
                    }

                    return got;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendDownloadAsync(DownloadRequest download, long offset, CancellationToken cancellationToken)
    {
        void Configure(HttpRequestMessage request)
        {
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
                request.Headers.TryAddWithoutValidation("If-Range", download.ETag);
            }
        }

        if (!download.Presigned)
        {
            return await SendOnceAsync(HttpMethod.Get, download.Link, download.JobId, Configure, cancellationToken,
                accept: status => status == HttpStatusCode.RequestedRangeNotSatisfiable, download: true).ConfigureAwait(false);
        }

        try
        {
            return await SendOnceAsync(HttpMethod.Get, download.Link, download.JobId, Configure, cancellationToken, sendKey: false,
                accept: status => status == HttpStatusCode.RequestedRangeNotSatisfiable, download: true).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode is { } status)
        {
            var category = status switch
            {
                401 or 403 => ErrorCategory.PermissionDenied,
                404 => ErrorCategory.ObjectNotFound,
                >= 500 => ErrorCategory.ConnectionError,
                _ => ErrorCategory.InvalidResult,
            };
            throw new SutroApiException(ErrorIds.ResultsLinkFailed, category,
                $"The results storage refused the download of job '{download.JobId}' ({status}). Run the command again: " +
                "it asks for a fresh link.", status, ex) { RetryAfter = ex.RetryAfter };
        }
    }

    /// <summary>A download accepts no transfer encoding: one it was sent anyway is refused, not inflated.</summary>
    private static void RefuseEncoding(HttpResponseMessage response, string jobId)
    {
        foreach (string encoding in response.Content.Headers.ContentEncoding)
        {
            if (!string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
            {
                throw new SutroApiException(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
                    $"The server sent the results of job '{jobId}' with Content-Encoding '{encoding}', which was not " +
                    "asked for (results files come compressed already); nothing was saved. Check any proxy in between.",
                    (int)response.StatusCode);
            }
        }
    }

    /// <summary>Refuses a download whose known size does not fit on the disk, before any byte is written.</summary>
    private static void RequireFreeSpace(string path, long bytes, string jobId)
    {
        long free;
        try
        {
            string root = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
            free = new DriveInfo(root).AvailableFreeSpace;
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? root;
            free = Math.Min(free, new DriveInfo(folder).AvailableFreeSpace);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return;
        }

        if (bytes > free)
        {
            throw new SutroApiException(ErrorIds.InsufficientDiskSpace, ErrorCategory.WriteError,
                $"The results of job '{jobId}' are {bytes} bytes, but only {free} bytes are free where they go " +
                $"({Path.GetDirectoryName(Path.GetFullPath(path))}). Free some space, or point TMPDIR or -Path elsewhere.");
        }
    }

    /// <summary>True when a 206 carries the bytes from <paramref name="offset"/> to the end of the file.</summary>
    private static bool Continues(HttpResponseMessage response, long offset, long? size)
    {
        var range = response.Content.Headers.ContentRange;
        return range is { HasRange: true } && range.From == offset
            && (size is null || ((range.To is null || range.To == size - 1) && (range.Length is null || range.Length == size)));
    }

    private static SutroApiException SizeMismatch(string jobId, long got, long announced) =>
        new(ErrorIds.ResultsSizeMismatch, ErrorCategory.InvalidResult,
            $"The results file of job '{jobId}' is {got} bytes, but the Sutro API announced {announced}. Nothing was saved; " +
            "run the command again.");
}
