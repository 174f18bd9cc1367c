using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Settings;

namespace Sutro.Http;

/// <summary>
/// Talks to one Sutro endpoint. The key goes only to the endpoint's origin: a redirect elsewhere
/// (a pre-signed storage link) is followed without it, and a redirect from https to http is refused.
/// Every message it produces has the key scrubbed, and pre-signed links are never shown.
/// </summary>
internal sealed partial class SutroApiClient
{
    private const int MaxRedirects = 5;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly SutroEndpoint _endpoint;
    private readonly Action<string> _verbose;
    private readonly string _origin;

    public SutroApiClient(SutroEndpoint endpoint, Action<string> verbose)
    {
        _endpoint = endpoint;
        _verbose = message => verbose(Redact(message));
        _origin = ApiUrl.Origin(endpoint.BaseUri);
    }

    /// <summary>Writes verbose text, the key scrubbed.</summary>
    public void Verbose(string message) => _verbose(message);

    /// <summary>The largest JSON answer read (a page of jobs is far smaller); a longer one is InvalidApiResponse.</summary>
    internal static long MaxJsonBytes { get; set; } = 8L * 1024 * 1024;

    public const int DefaultMaxRetryCount = 3;
    public const int DefaultTimeoutSeconds = 120;

    /// <summary>Retries of a request that is safe to repeat (GET) after a transient failure.</summary>
    public int MaxRetryCount { get; init; } = DefaultMaxRetryCount;

    /// <summary>How long the server may take to answer a request with its status and headers.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    /// <summary>How long a response body may send nothing before the download is abandoned.</summary>
    public TimeSpan IdleReadTimeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    /// <summary>
    /// An explicit proxy for this call; else the one Connect-Sutro kept with the endpoint; else the system's,
    /// which honours HTTPS_PROXY and NO_PROXY.
    /// </summary>
    public Uri? Proxy { get; init; }

    public NetworkCredential? ProxyCredential { get; init; }

    private HttpClient HttpFor(bool download) => Proxy is not null
        ? SutroHttp.For(Proxy, ProxyCredential, download)
        : SutroHttp.For(_endpoint.Proxy, _endpoint.ProxyCredential, download);

    public Uri UriFor(string relative) => new(_endpoint.BaseUri, relative);

    /// <summary>
    /// Sends a request and returns the successful response, headers read, body not yet. A GET that
    /// fails in a transient way (429, 5xx, CDN 52x, a broken connection, a timeout) is tried again
    /// after a backoff, up to <see cref="MaxRetryCount"/> times; each retry is told in verbose text.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, string? jobId, CancellationToken cancellationToken) =>
        WithRetriesAsync(method == HttpMethod.Get, () => SendOnceAsync(method, UriFor(relative), jobId, null, cancellationToken), cancellationToken);

    /// <summary>Runs one try of a request, and again after a backoff while it fails transiently (if <paramref name="repeatable"/>).</summary>
    public async Task<T> WithRetriesAsync<T>(bool repeatable, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (int tries = 0; ; tries++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (SutroApiException ex) when (repeatable && tries < MaxRetryCount && RetryPolicy.IsTransient(ex))
            {
                TimeSpan delay = RetryPolicy.DelayFor(tries + 1, ex.RetryAfter);
                _verbose($"{ex.ErrorId}{(ex.StatusCode is { } code ? $" ({code})" : string.Empty)}; retry {tries + 1} of {MaxRetryCount} in {delay.TotalSeconds:0.0} s.");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One try: sends, follows redirects, maps an error answer to a <see cref="SutroApiException"/>.</summary>
    /// <param name="sendKey">False for a pre-signed link: it grants access by itself, so the key is
    /// never sent with it, whatever its origin.</param>
    /// <param name="accept">An error status the caller handles itself (returned, not thrown).</param>
    public async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, Uri uri, string? jobId, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken,
        bool sendKey = true, Func<HttpStatusCode, bool>? accept = null, bool download = false)
    {
        for (int hop = 0; ; hop++)
        {
            bool toApi = sendKey && ApiUrl.Origin(uri) == _origin;
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.UserAgent.ParseAdd(SutroHttp.UserAgent);
            if (toApi)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Key " + _endpoint.Key);
            }

            if (download)
            {
                // Results files come compressed already: a transfer encoding would only let a body inflate
                // beyond what was announced, so none is accepted.
                request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            }

            configure?.Invoke(request);
            _verbose($"{method} {Describe(uri, toApi)}");
            HttpResponseMessage response;
            using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                headers.CancelAfter(ResponseTimeout);
                try
                {
                    response = await HttpFor(download).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SutroApiException(ErrorIds.ResponseTimedOut, ErrorCategory.OperationTimeout,
                        $"{ApiUrl.Origin(uri)} did not answer within {ResponseTimeout.TotalSeconds:0} s. Try again, or raise -ConnectionTimeoutSeconds.", null, ex)
                    { IsNetworkFailure = true };
                }
                catch (HttpRequestException ex)
                {
                    throw new SutroApiException(ErrorIds.ConnectionFailed, ErrorCategory.ConnectionError,
                        Redact($"Could not reach {ApiUrl.Origin(uri)}: {ex.Message} Check the API URL and the network (a proxy is taken from HTTPS_PROXY/NO_PROXY, or -Proxy)."), null, ex)
                    { IsNetworkFailure = true };
                }
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                Uri next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (hop >= MaxRedirects)
                {
                    throw new SutroApiException(ErrorIds.TooManyRedirects, ErrorCategory.InvalidResult, $"The Sutro API redirected more than {MaxRedirects} times; giving up.");
                }

                if (RedirectPolicy.Refusal(uri, next) is { } refusal)
                {
                    throw new SutroApiException(ErrorIds.InsecureRedirect, ErrorCategory.SecurityError, refusal);
                }

                _verbose($"Redirected to {Describe(next, ApiUrl.Origin(next) == _origin)}");
                uri = next;
                continue;
            }

            if (!response.IsSuccessStatusCode && !(accept?.Invoke(response.StatusCode) ?? false))
            {
                string body = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
                var error = ApiErrors.FromResponse(response, Redact(body), jobId);
                var retryAfter = RetryAfterOf(response);
                response.Dispose();
                throw new SutroApiException(error.ErrorId, error.Category, Redact(error.Message), error.StatusCode)
                {
                    RetryAfter = retryAfter,
                    Reference = error.Reference is { } r
                        ? new ApiErrorReference(Redact(r.Code), Redact(r.RequestId), Redact(r.Detail))
                        : null,
                };
            }

            return response;
        }
    }

    /// <summary>GETs a JSON answer and parses it; retried as a whole like any GET.</summary>
    public Task<JsonDocument> GetJsonAsync(string relative, string? jobId, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, relative, null, jobId, repeatable: true, cancellationToken);

    /// <summary>
    /// Sends a request (with a JSON body, if given) and parses its JSON answer, read up to
    /// <see cref="MaxJsonBytes"/>: a longer answer is InvalidApiResponse, never buffered without end.
    /// </summary>
    public Task<JsonDocument> SendJsonAsync(HttpMethod method, string relative, object? body, string? jobId, bool repeatable,
        CancellationToken cancellationToken) =>
        WithRetriesAsync(repeatable, async () =>
        {
            string path = relative.Split('?')[0];
            using var response = await SendOnceAsync(method, UriFor(relative), jobId, request => AddJson(request, body),
                cancellationToken).ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(IdleReadTimeout);
            try
            {
                if (response.Content.Headers.ContentLength > MaxJsonBytes)
                {
                    throw TooLong(path, (int)response.StatusCode);
                }

                await using var stream = await response.Content.ReadAsStreamAsync(limit.Token).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(chunk.AsMemory(), limit.Token).ConfigureAwait(false)) > 0)
                    {
                        if (buffer.Length + read > MaxJsonBytes)
                        {
                            throw TooLong(path, (int)response.StatusCode);
                        }

                        buffer.Write(chunk, 0, read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }

                return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length),
                    new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException ex)
            {
                throw new SutroApiException(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
                    $"The Sutro API answered {path} with something that is not JSON: {ex.Message}", (int)response.StatusCode, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SutroApiException(ErrorIds.DownloadStalled, ErrorCategory.OperationTimeout,
                    $"The answer to {path} stalled for {IdleReadTimeout.TotalSeconds:0} s. Try again.", null, ex)
                { IsNetworkFailure = true };
            }
            catch (IOException ex) when (IsNetwork(ex))
            {
                throw new SutroApiException(ErrorIds.DownloadInterrupted, ErrorCategory.ConnectionError,
                    Redact($"The answer to {path} broke off: {ex.Message} Try again."), null, ex)
                { IsNetworkFailure = true };
            }
        }, cancellationToken);

    /// <summary>Adds a JSON body to a request (nothing for null).</summary>
    internal static void AddJson(HttpRequestMessage request, object? body)
    {
        if (body is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType()));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
    }

    private static SutroApiException TooLong(string path, int status) =>
        new(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
            $"The Sutro API answered {path} with more than {MaxJsonBytes / (1024 * 1024)} MB of JSON, far more than " +
            "such an answer holds; it was not read further. Check that the API URL points at a Sutro deployment.", status);

    /// <summary>
    /// Streams a response body into <paramref name="destination"/>, which already holds
    /// <paramref name="start"/> bytes; the whole file should be <paramref name="expected"/> bytes. A body
    /// that ends early, breaks off or stalls is <c>DownloadInterrupted</c>/<c>DownloadStalled</c>; one that
    /// runs past <paramref name="limit"/> is <c>ResultsSizeMismatch</c>; with no limit, the file at <paramref name="path"/>
    /// (or the destination's own file) never eats into the disk's reserve (<see cref="DiskReserve"/>). Returns the size so far.
    /// </summary>
    internal async Task<long> CopyBodyAsync(HttpResponseMessage response, Stream destination, long start, long? expected, Action<long, long?> progress, CancellationToken cancellationToken, long? limit = null, string? path = null)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        long total = start;
        // A body of no announced size could go on for ever: its file must never fill the disk.
        string? file = path ?? (destination as FileStream)?.Name;
        var space = limit is null && file is not null ? new DiskReserve(file) : null;
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
                    throw new SutroApiException(ErrorIds.DownloadStalled, ErrorCategory.OperationTimeout,
                        $"The download stalled: no data for {IdleReadTimeout.TotalSeconds:0} s after {total} bytes. Try again.")
                    { IsNetworkFailure = true };
                }

                if (read == 0)
                {
                    break;
                }

                if (total + read > limit)
                {
                    throw new SutroApiException(ErrorIds.ResultsSizeMismatch, ErrorCategory.InvalidResult,
                        $"The server sent more than the {limit} bytes announced for this file; the download was stopped.");
                }

                space?.Require(total, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
                progress(total, expected);
            }
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested && IsNetwork(ex))
        {
            throw new SutroApiException(ErrorIds.DownloadInterrupted, ErrorCategory.ConnectionError,
                Redact($"The download broke off after {total}{(expected is null ? string.Empty : $" of {expected}")} bytes: {ex.Message} Try again."), null, ex)
            { IsNetworkFailure = true };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (expected is { } length && total != length)
        {
            throw new SutroApiException(ErrorIds.DownloadInterrupted, ErrorCategory.ConnectionError,
                $"The download ended after {total} of {length} bytes. Try again.")
            { IsNetworkFailure = true };
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>
    /// Removes the key from any text that may be shown, also where the text spells it with escapes that
    /// a decoder would turn back into the key (JSON <c>\u005f</c> or <c>\/</c>, HTML <c>&amp;#95;</c> or
    /// <c>&amp;quot;</c>, URL <c>%5F</c>). Only the key as a whole token goes: where it is part of a longer
    /// word (letters, digits, '_' or '-' run on at either end), the text is another word and stays.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        string key = _endpoint.Key;
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (!text.Contains(key, StringComparison.Ordinal) && text.IndexOfAny(EscapeStarts) < 0)
        {
            return text;
        }

        _escapedKey ??= EscapedForms(key);
        return _escapedKey.Replace(text, "***");
    }

    private static readonly char[] EscapeStarts = { '\\', '&', '%' };

    /// <summary>
    /// What a key's token is made of: text that merely holds the key inside a longer run of these (the key
    /// 'abc' in 'abcdef') is another word, not the key, and is left alone.
    /// </summary>
    private const string TokenChar = @"[\p{L}\p{N}_-]";

    private Regex? _escapedKey;

    /// <summary>A pattern that matches the key with any of its characters written plainly or escaped.</summary>
    private static Regex EscapedForms(string key)
    {
        static string Hex(int value, int digits) =>
            string.Concat(value.ToString("x" + digits, CultureInfo.InvariantCulture)
                .Select(d => char.IsLetter(d) ? $"[{d}{char.ToUpperInvariant(d)}]" : d.ToString()));

        var pattern = new StringBuilder();
        if (IsTokenChar(key[0]))
        {
            // After a non-token character, or after an escape whose last character happens to be a letter or
            // digit (%22, \u0022, \n): the escape ends a word as the character it stands for would.
            pattern.Append(@"(?<=^|[^\p{L}\p{N}_-]|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[bfnrt])");
        }

        foreach (char c in key)
        {
            pattern.Append("(?:").Append(Regex.Escape(c.ToString()))
                .Append(@"|\\u").Append(Hex(c, 4))
                .Append("|&#0*").Append((int)c).Append(';')
                .Append("|&#[xX]0*").Append(Hex(c, 1)).Append(';');
            if (c < 0x80)
            {
                pattern.Append('|').Append('%').Append(Hex(c, 2));
            }

            if (c switch { '"' => "&quot;", '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '\'' => "&apos;", _ => null }
                is { } entity)
            {
                pattern.Append('|').Append(entity);
            }

            if (c is '/' or '"' or '\\')
            {
                pattern.Append(@"|\\").Append(Regex.Escape(c.ToString()));
            }

            pattern.Append(')');
        }

        if (IsTokenChar(key[^1]))
        {
            pattern.Append("(?!").Append(TokenChar).Append(')');
        }

        return new Regex(pattern.ToString(),
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    private static bool IsNetwork(IOException ex) => ex is HttpIOException || ex.InnerException is System.Net.Sockets.SocketException || ex.GetType().Name.Contains("Http", StringComparison.Ordinal);

    private static string Describe(Uri uri, bool toApi) =>
        toApi ? uri.GetLeftPart(UriPartial.Path) + (uri.Query.Length > 0 ? uri.Query : string.Empty) : $"{ApiUrl.Origin(uri)}/... (pre-signed link, not shown)";

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[MaxErrorBodyBytes];
            int total = 0;
            while (total < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return string.Empty;
        }
    }
}
