using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;

namespace Sutro.Export;

/// <summary>
/// Downloads the Parquet artifact of a pre-signed link into a <see cref="PartialDownload"/>, resuming what
/// an earlier run left (<c>Range: bytes=N-</c> with <c>If-Range: &lt;ETag&gt;</c>). A 206 that continues the
/// same file is appended; a 200 (the file changed, or the storage ignores ranges) or an unusable answer
/// starts again from zero. The finished file has exactly the announced size.
/// </summary>
internal static class ResumableArtifactDownload
{
    public static async Task RunAsync(
        SutroApiClient client,
        ResultsArtifact artifact,
        PartialDownload partial,
        PartialDownload.Identity identity,
        Action<long, long?> progress,
        Action<string> verbose,
        CancellationToken cancellationToken)
    {
        long size = artifact.SizeBytes;
        long offset = partial.ResumableBytes(identity, size, out string? etag);
        for (int attempt = 0; ; attempt++)
        {
            using var response = await client.GetPresignedAsync(artifact.Link, offset, offset > 0 ? etag : null, identity.JobId, cancellationToken).ConfigureAwait(false);
            string? served = StrongETag(response);
            if (offset > 0)
            {
                if (response.StatusCode == HttpStatusCode.PartialContent && Continues(response, offset, size) && (served is null || served == etag))
                {
                    verbose($"Job {identity.JobId}: resuming the download at byte {offset} of {size}.");
                }
                else if (response.StatusCode == HttpStatusCode.OK)
                {
                    verbose($"Job {identity.JobId}: the storage sent the whole file instead of the rest (it changed, or it ignores ranges); starting again from zero.");
                    offset = 0;
                }
                else
                {
                    verbose($"Job {identity.JobId}: the storage cannot continue the earlier download ({(int)response.StatusCode}); starting again from zero.");
                    partial.Discard();
                    offset = 0;
                    etag = null;
                    if (attempt == 0)
                    {
                        continue;
                    }
                }
            }

            if (offset == 0)
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new SutroApiException("ResultsLinkFailed", ErrorCategory.InvalidResult,
                        $"The results storage answered {(int)response.StatusCode} to a plain download of job '{identity.JobId}'. Run the command again.");
                }

                if (response.Content.Headers.ContentLength is { } length && length != size)
                {
                    throw SizeMismatch(identity.JobId, length, size);
                }

                etag = served;
                if (etag is null)
                {
                    verbose($"Job {identity.JobId}: the storage gives no strong ETag, so a broken download cannot be resumed.");
                    partial.Discard();
                }
                else
                {
                    partial.SaveState(identity, etag, size);
                }
            }

            await ReceiveAsync(client, response, partial, offset, size, etag is not null, progress, cancellationToken).ConfigureAwait(false);
            break;
        }

        long have = new FileInfo(partial.DataPath).Length;
        if (have != size)
        {
            partial.Discard();
            throw SizeMismatch(identity.JobId, have, size);
        }
    }

    private static async Task ReceiveAsync(SutroApiClient client, HttpResponseMessage response, PartialDownload partial, long offset, long size, bool resumable, Action<long, long?> progress, CancellationToken cancellationToken)
    {
        bool keep = false;
        try
        {
            await using var file = new FileStream(partial.DataPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            file.SetLength(offset);
            file.Seek(offset, SeekOrigin.Begin);
            try
            {
                await client.CopyPresignedBodyAsync(response, file, offset, size, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (SutroApiException ex) when (resumable && ex.ErrorId is "DownloadInterrupted" or "DownloadStalled")
            {
                keep = true;
                throw new SutroApiException(ex.ErrorId, ex.Category,
                    ex.Message + " The bytes so far are kept: run the same command again to resume the download.", ex.StatusCode, ex);
            }
            catch (OperationCanceledException) when (resumable)
            {
                keep = true;
                throw;
            }

            keep = true;
        }
        finally
        {
            if (!keep)
            {
                partial.Discard();
            }
        }
    }

    /// <summary>True when a 206 carries exactly the bytes from <paramref name="offset"/> to the end of a file of <paramref name="size"/> bytes.</summary>
    private static bool Continues(HttpResponseMessage response, long offset, long size)
    {
        var range = response.Content.Headers.ContentRange;
        return range is { HasRange: true } && range.From == offset && (range.To is null || range.To == size - 1) && (range.Length is null || range.Length == size);
    }

    /// <summary>The response's ETag when it is a strong one (a weak ETag cannot validate a byte range).</summary>
    private static string? StrongETag(HttpResponseMessage response) =>
        response.Headers.ETag is { IsWeak: false } tag ? tag.Tag : null;

    private static SutroApiException SizeMismatch(string jobId, long got, long announced) =>
        new("ResultsSizeMismatch", ErrorCategory.InvalidResult,
            $"The results file of job '{jobId}' is {got} bytes, but the Sutro API announced {announced}. Nothing was saved; run the command again.");
}
