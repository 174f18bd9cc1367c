using System;
using System.Management.Automation;

namespace Sutro.Http;

/// <summary>A failed API call, with the stable error id and category its ErrorRecord carries.</summary>
public sealed class SutroApiException : Exception
{
    public SutroApiException(string errorId, ErrorCategory category, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        StatusCode = statusCode;
    }

    public string ErrorId { get; }

    public ErrorCategory Category { get; }

    public int? StatusCode { get; }

    /// <summary>Seconds the server asked to wait (429/503 Retry-After), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
