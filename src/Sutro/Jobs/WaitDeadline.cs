using System;
using System.Diagnostics;

namespace Sutro.Jobs;

/// <summary>The time budget of one wait: started when the command starts, optionally limited.</summary>
internal sealed class WaitDeadline
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public WaitDeadline(TimeSpan? timeout)
    {
        Timeout = timeout;
    }

    public TimeSpan? Timeout { get; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public bool HasPassed => Timeout is { } limit && Elapsed >= limit;

    /// <summary>What is left of the budget (TimeSpan.MaxValue without a limit, never negative).</summary>
    public TimeSpan Remaining => Timeout is { } limit ? Max(TimeSpan.Zero, limit - Elapsed) : TimeSpan.MaxValue;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
