using System;
using System.Buffers;
using System.IO;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Settings;

namespace Sutro.Http;

/// <summary>
/// Downloads from pre-signed storage links (the <c>results-url</c> artifact). Such a link grants access
/// by itself: the Authorization header is never sent with it, whatever its origin, and it is never shown.
/// </summary>
internal sealed partial class SutroApiClient
{
    /// <summary>
    /// GETs a pre-signed link. With <paramref name="offset"/> above 0 it asks for the rest of the file
    /// (<c>Range: bytes=offset-</c>), on condition that it still has the ETag <paramref name="ifRange"/>
    /// (<c>If-Range</c>). Returns the 200, 206 or 416 response, headers read, body not yet; any other
    /// answer is a <see cref="SutroApiException"/> with the id <c>ResultsLinkFailed</c>.
    /// </summary>
    public async Task<HttpResponseMessage> GetPresignedAsync(Uri link, long offset, string? ifRange, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await SendOnceAsync(HttpMethod.Get, link, jobId, request =>
            {
                if (offset > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                    if (ifRange is not null)
                    {
                        request.Headers.TryAddWithoutValidation("If-Range", ifRange);
                    }
                }
            }, cancellationToken, sendKey: false, accept: status => status == HttpStatusCode.RequestedRangeNotSatisfiable).ConfigureAwait(false);
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
            throw new SutroApiException("ResultsLinkFailed", category,
                $"The results storage refused the download of job '{jobId}' ({status}). Run the command again: it asks for a fresh link.",
                status, ex) { RetryAfter = ex.RetryAfter };
        }
    }

    /// <summary>
    /// Streams the body of a pre-signed link's response into <paramref name="destination"/>, which
    /// already holds <paramref name="start"/> of the file's <paramref name="size"/> bytes. A body that
    /// ends early, breaks off or stalls is <c>DownloadInterrupted</c>/<c>DownloadStalled</c>; one that runs
    /// past <paramref name="size"/> is <c>ResultsSizeMismatch</c>. Returns the bytes written.
    /// </summary>
    public async Task<long> CopyPresignedBodyAsync(HttpResponseMessage response, Stream destination, long start, long size, Action<long, long?> progress, CancellationToken cancellationToken) =>
        await CopyBodyAsync(response, destination, start, start + response.Content.Headers.ContentLength, progress, cancellationToken, limit: size).ConfigureAwait(false) - start;
}
