using System;
using System.Management.Automation;

namespace Sutro.Http;

/// <summary>A failed API call, with the stable error id and category its ErrorRecord carries.</summary>
public sealed class SutroApiException : SutroException
{
    public SutroApiException(string errorId, ErrorCategory category, string message, int? statusCode = null, Exception? inner = null)
        : base(errorId, category, message, inner)
    {
        StatusCode = statusCode;
    }

    public int? StatusCode { get; }

    /// <summary>Seconds the server asked to wait (429/503 Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// A failure of the connection itself (not reached, broke off, stalled, no answer in time): another try
    /// may succeed.
    /// </summary>
    public bool IsNetworkFailure { get; init; }

    /// <summary>
    /// What the error body (or the answer's request-id header) gave to quote to support: the body's
    /// <c>code</c>, <c>request_id</c> and detail. Null when the answer held neither a code nor a request id.
    /// </summary>
    public ApiErrorReference? Reference { get; init; }
}

/// <summary>The parts of an API error answer that Sutro support asks for.</summary>
/// <param name="Code">The body's <c>code</c> (e.g. <c>model_not_found</c>), if any.</param>
/// <param name="RequestId">The body's <c>request_id</c>, else the <c>x-request-id</c> header, if any.</param>
/// <param name="Detail">The server's own words (detail, message or error), if any.</param>
public sealed record ApiErrorReference(string? Code, string? RequestId, string? Detail)
{
    /// <summary>
    /// The sentence that tells the user what to quote, e.g.
    /// "If you contact Sutro support, quote code 'x', request id 'y'."
    /// </summary>
    public string Sentence
    {
        get
        {
            var parts = new System.Collections.Generic.List<string>(2);
            if (Code is not null)
            {
                parts.Add($"code '{Code}'");
            }

            if (RequestId is not null)
            {
                parts.Add($"request id '{RequestId}'");
            }

            return $"If you contact Sutro support, quote {string.Join(", ", parts)}.";
        }
    }
}
