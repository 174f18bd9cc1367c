using System;

namespace Sutro.Http;

/// <summary>
/// Which failures are worth another try, and how long to wait: exponential backoff with jitter, or the
/// server's Retry-After (seconds or a date), capped.
/// </summary>
internal static class RetryPolicy
{
    /// <summary>The first backoff; each further retry doubles it.</summary>
    public static TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries, whatever the server asks.</summary>
    public static TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    public static bool IsTransient(SutroApiException exception) =>
        exception.StatusCode is 408 or 429 or 500 or 502 or 503 or 504 or (>= 520 and <= 524)
        || exception.IsNetworkFailure;

    public static TimeSpan DelayFor(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : (asked > MaxDelay ? MaxDelay : asked);
        }

        double exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        double jittered = exponential * (0.5 + (Random.Shared.NextDouble() * 0.5));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelay.TotalMilliseconds));
    }
}
