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
}
