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
        Uri uri = link;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.UserAgent.ParseAdd(SutroHttp.UserAgent);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
                if (ifRange is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-Range", ifRange);
                }
            }

            _verbose($"GET {Describe(uri, toApi: false)}{(offset > 0 ? $", from byte {offset}" : string.Empty)}");
            HttpResponseMessage response;
            try
            {
                response = await SutroHttp.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SutroApiException("ConnectionFailed", ErrorCategory.ConnectionError,
                    Redact($"Could not reach the results storage at {ApiUrl.Origin(uri)}: {ex.Message} Check the network (a proxy is taken from HTTPS_PROXY/NO_PROXY)."), null, ex);
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                Uri next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (hop >= MaxRedirects)
                {
                    throw new SutroApiException("TooManyRedirects", ErrorCategory.InvalidResult, $"The results storage redirected more than {MaxRedirects} times; giving up.");
                }

                if ((next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp) || (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp))
                {
                    throw new SutroApiException("InsecureRedirect", ErrorCategory.SecurityError,
                        $"The results storage redirected to a '{next.Scheme}' URL at {ApiUrl.Origin(next)}; only https (or http from http) is followed.");
                }

                _verbose($"Redirected to {Describe(next, toApi: false)}");
                uri = next;
                continue;
            }

            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return response;
            }

            int status = (int)response.StatusCode;
            string body = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
            string detail = ApiErrors.Detail(Redact(body), response.Content.Headers.ContentType?.MediaType);
            string reason = response.ReasonPhrase ?? string.Empty;
            response.Dispose();
            var category = status switch
            {
                401 or 403 => ErrorCategory.PermissionDenied,
                404 => ErrorCategory.ObjectNotFound,
                >= 500 => ErrorCategory.ConnectionError,
                _ => ErrorCategory.InvalidResult,
            };
            throw new SutroApiException("ResultsLinkFailed", category,
                Redact($"The results storage refused the download of job '{jobId}' ({status} {reason}).{(detail.Length > 0 ? $" It said: {detail}" : string.Empty)} Run the command again: it asks for a fresh link."),
                status);
        }
    }

    /// <summary>
    /// Streams the body of a pre-signed link's response into <paramref name="destination"/>, which
    /// already holds <paramref name="start"/> of the file's <paramref name="size"/> bytes. A body that
    /// ends early, breaks off or stalls is <c>DownloadInterrupted</c>/<c>DownloadStalled</c>; one that runs
    /// past <paramref name="size"/> is <c>ResultsSizeMismatch</c>. Returns the bytes written.
    /// </summary>
    public async Task<long> CopyPresignedBodyAsync(HttpResponseMessage response, Stream destination, long start, long size, Action<long, long?> progress, CancellationToken cancellationToken)
    {
        long? expected = response.Content.Headers.ContentLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        long written = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            while (true)
            {
                idle.CancelAfter(IdleReadTimeout);
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(), idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SutroApiException("DownloadStalled", ErrorCategory.OperationTimeout,
                        $"The download stalled: no data for {IdleReadTimeout.TotalSeconds:0} s after {start + written} of {size} bytes.");
                }

                if (read == 0)
                {
                    break;
                }

                if (start + written + read > size)
                {
                    throw new SutroApiException("ResultsSizeMismatch", ErrorCategory.InvalidResult,
                        $"The results storage sent more than the {size} bytes the Sutro API announced for this file.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                written += read;
                progress(start + written, size);
            }
        }
        catch (IOException ex) when (ex is not FileNotFoundException && !cancellationToken.IsCancellationRequested && IsNetwork(ex))
        {
            throw new SutroApiException("DownloadInterrupted", ErrorCategory.ConnectionError,
                Redact($"The download broke off after {start + written} of {size} bytes: {ex.Message}"), null, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (expected is { } length && written != length)
        {
            throw new SutroApiException("DownloadInterrupted", ErrorCategory.ConnectionError,
                $"The download ended after {start + written} of {size} bytes.");
        }

        return written;
    }
}
