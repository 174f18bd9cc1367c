using System;
using System.Management.Automation;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sutro.Http;

/// <summary>Turns an HTTP error answer into a <see cref="SutroApiException"/> that tells the user what to do.</summary>
internal static class ApiErrors
{
    public static SutroApiException FromResponse(HttpResponseMessage response, string body, string? jobId)
    {
        int status = (int)response.StatusCode;
        string detail = Detail(body, response.Content.Headers.ContentType?.MediaType);
        string said = detail.Length > 0 ? $" The server said: {detail}{(detail.EndsWith('.') || detail.EndsWith('!') || detail.EndsWith('?') ? string.Empty : ".")}" : string.Empty;
        string job = jobId is null ? string.Empty : $"'{jobId}' ";
        var exception = status switch
        {
            401 or 403 => new SutroApiException(ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError,
                $"The Sutro API refused the API key ({status}).{said} Check the key for " +
                $"{response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}: run Connect-Sutro, " +
                "or set SUTRO_API_URL and SUTRO_API_KEY.", status),
            404 => new SutroApiException(jobId is null ? ErrorIds.NotFound : ErrorIds.JobNotFound, ErrorCategory.ObjectNotFound,
                jobId is null
                    ? $"The Sutro API answered 404 Not Found.{said} Check the API URL."
                    : $"Job {job}was not found.{said} Check the id with Get-SutroJob.", status),
            409 when jobId is not null => new SutroApiException(ErrorIds.JobNotComplete, ErrorCategory.ResourceUnavailable,
                $"Job {job}has no results yet ({status}).{said} Wait for it with Wait-SutroJob, " +
                "or use Get-SutroJobResult -Wait.", status),
            410 when IsMigrationNotice(detail) => new SutroApiException(ErrorIds.ApiNoLongerSupported,
                ErrorCategory.InvalidOperation,
                $"The Sutro API answered 410 Gone.{said} Point the module at your deployment's URL with -ApiUrl, " +
                "Connect-Sutro or SUTRO_API_URL.", status),
            410 => new SutroApiException(ErrorIds.JobGone, ErrorCategory.ObjectNotFound,
                jobId is null
                    ? $"The Sutro API answered 410 Gone: what was asked for is no longer kept.{said}"
                    : $"The results of job {job}are no longer kept (410 Gone).{said} A job's data is kept for a " +
                      "limited time; submit the job again if you still need it.", status),
            429 => new SutroApiException(ErrorIds.RateLimited, ErrorCategory.LimitsExceeded,
                $"The Sutro API is rate limiting requests (429).{said} Try again later.", status),
            >= 500 => new SutroApiException(ErrorIds.ServerError, ErrorCategory.ConnectionError,
                $"The Sutro API failed with {status} {response.ReasonPhrase}.{said} Try again later.", status),
            _ => new SutroApiException(ErrorIds.HttpError, ErrorCategory.InvalidResult,
                $"The Sutro API answered {status} {response.ReasonPhrase}.{said}", status),
        };
        return Reference(body, response, detail) is { } reference
            ? new SutroApiException(exception.ErrorId, exception.Category, $"{exception.Message} {reference.Sentence}",
                status)
            {
                Reference = reference,
            }
            : exception;
    }

    /// <summary>Headers that carry the id of a request, when the body does not.</summary>
    private static readonly string[] RequestIdHeaders = { "x-request-id", "request-id" };

    /// <summary>
    /// The <c>code</c> and <c>request_id</c> of an error body (at the top, or inside an <c>error</c> or
    /// <c>detail</c> object), the request id also from the <c>x-request-id</c> header; null when neither is there.
    /// </summary>
    public static ApiErrorReference? Reference(string body, HttpResponseMessage response, string detail)
    {
        string? code = null;
        string? requestId = null;
        string trimmed = body.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                foreach (var holder in new[] { root, Member(root, "error"), Member(root, "detail") })
                {
                    code ??= Text(holder, "code");
                    requestId ??= Text(holder, "request_id");
                }
            }
            catch (JsonException)
            {
            }
        }

        foreach (string header in RequestIdHeaders)
        {
            if (requestId is null && response.Headers.TryGetValues(header, out var values))
            {
                requestId = Shorten(string.Join(",", values));
                requestId = requestId.Length == 0 ? null : requestId;
            }
        }

        return code is null && requestId is null
            ? null
            : new ApiErrorReference(code, requestId, detail.Length == 0 ? null : detail);
    }

    private static JsonElement Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    /// <summary>A string or number member, as text (codes are sometimes numbers); null when absent or empty.</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : Shorten(text);
    }

    /// <summary>
    /// The sentence the Sutro SDK answers with on the retired central hosts: only this 410 means the URL is
    /// wrong; any other 410 is about the job asked for.
    /// </summary>
    public const string MigrationNotice =
        "Direct Sutro Batch API access is no longer supported by the Sutro SDK. Upgrade the sutro package, " +
        "then set SUTRO_API_URL to your Sutro single-tenant deployment URL and use an API key from that " +
        "deployment's API Keys panel.";

    /// <summary>True when a 410's detail is exactly the migration sentence (surrounding spaces aside).</summary>
    public static bool IsMigrationNotice(string detail) =>
        string.Equals(detail.Trim(), MigrationNotice, StringComparison.Ordinal);

    /// <summary>The useful part of an error body: JSON detail/message/error, or an HTML page's title.</summary>
    public static string Detail(string body, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        string trimmed = body.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                foreach (string name in new[] { "detail", "message", "error" })
                {
                    if (document.RootElement.TryGetProperty(name, out var value))
                    {
                        if (value.ValueKind == JsonValueKind.Object && Text(value, "message") is { } inner)
                        {
                            // {"error": {"code": ..., "message": ..., "request_id": ...}}: the code and id are
                            // quoted apart (see Reference).
                            return inner;
                        }

                        return Shorten(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                    }
                }
            }
            catch (JsonException)
            {
            }
        }

        if (trimmed.StartsWith('<') || (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            var title = Regex.Match(body, "<title>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
            return title.Success ? Shorten(Regex.Replace(title.Groups[1].Value, @"\s+", " ").Trim()) : "(an HTML error page)";
        }

        return Shorten(trimmed);
    }

    /// <summary>
    /// Terminal escape sequences (colour codes, cursor moves, titles) and other control characters: a server's
    /// words are shown as text, so they never colour or move anything, on a console or in a redirected log.
    /// </summary>
    private static readonly Regex ControlSequences = new(
        @"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)?|[@-Z\\-_])?" + // ESC: CSI, OSC, two-character
        @"|\x9B[0-?]*[ -/]*[@-~]" + // the one-character CSI
        @"|[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]", // other controls; tab, LF and CR stay
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Removes terminal escape sequences and control characters (tabs and line breaks stay).</summary>
    public static string Plain(string text) =>
        text.AsSpan().IndexOfAnyInRange('\0', '\x1F') < 0 && text.IndexOf('\x7F') < 0 && text.IndexOf('\x9B') < 0
            ? text
            : ControlSequences.Replace(text, string.Empty);

    private static string Shorten(string text)
    {
        text = Plain(text).Trim();
        return text.Length <= 500 ? text : text.Substring(0, 500) + "...";
    }
}
