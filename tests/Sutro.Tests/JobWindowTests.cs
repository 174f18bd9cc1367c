using System;
using Sutro.Api;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The creation window of a list-jobs scan: half-open, in UTC whatever kind of time it was given in, undated jobs
/// outside it; and which jobs -IfExists counts as one a second submission would repeat.
/// </summary>
public class JobWindowTests
{
    private static readonly DateTime Start = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static Job Created(DateTime? utc, string status = "RUNNING", string? runType = "FULL") =>
        new() { JobId = "j", Status = status, RunType = runType, Created = utc?.ToLocalTime() };

    [Fact]
    public void IsHalfOpenAtOrAfterTheStartAndBeforeTheEnd()
    {
        var window = JobWindow.Of(Start, Start.AddDays(1));
        Assert.True(window.Contains(Created(Start)));
        Assert.True(window.Contains(Created(Start.AddDays(1).AddTicks(-1))));
        Assert.False(window.Contains(Created(Start.AddDays(1))));
        Assert.False(window.Contains(Created(Start.AddTicks(-1))));
    }

    [Fact]
    public void ReadsLocalAndUnspecifiedTimesAsLocal()
    {
        DateTime local = Start.ToLocalTime();
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        Assert.Equal(Start, JobWindow.Of(local, null).CreatedAfter);
        Assert.Equal(Start, JobWindow.Of(unspecified, null).CreatedAfter);
        Assert.Equal(DateTimeKind.Utc, JobWindow.Of(unspecified, null).CreatedAfter!.Value.Kind);
    }

    [Fact]
    public void AnOpenWindowHoldsEveryJobAndNeverEndsAScan()
    {
        var open = default(JobWindow);
        Assert.False(open.IsBounded);
        Assert.True(open.Contains(Created(null)));
        Assert.False(open.EndsAt(new[] { Created(DateTime.UnixEpoch) }));
    }

    [Fact]
    public void AnUndatedJobIsOutsideABoundedWindowAndDoesNotEndTheScan()
    {
        var window = JobWindow.Of(Start, null);
        Assert.False(window.Contains(Created(null)));
        Assert.False(window.EndsAt(new[] { Created(Start), Created(null) }));
        Assert.True(window.EndsAt(new[] { Created(null), Created(Start.AddSeconds(-1)) }));
        Assert.False(JobWindow.Of(null, Start).EndsAt(new[] { Created(Start.AddYears(-5)) }));
    }

    [Fact]
    public void AgoIsClampedToTheEarliestTime()
    {
        Assert.Equal(DateTime.MinValue, SutroApi.Ago(TimeSpan.MaxValue));
        Assert.Equal(DateTimeKind.Utc, SutroApi.Ago(TimeSpan.MaxValue).Kind);
        Assert.InRange(DateTime.UtcNow - SutroApi.Ago(TimeSpan.FromHours(1)), TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Theory]
    [InlineData("RUNNING", "FULL", true)]
    [InlineData("SUCCEEDED", "FULL", true)]
    [InlineData("QUEUED", null, true)]
    [InlineData("WARMING_UP", "full", true)]
    [InlineData("SUCCEEDED", "COST_ESTIMATE", false)]
    [InlineData("FAILED", "FULL", false)]
    [InlineData("CANCELLED", "FULL", false)]
    [InlineData("CANCELLING", "FULL", false)]
    public void RepeatableJobsAreRealRunsThatHaveNotFailedOrBeenCancelled(string status, string? runType, bool repeatable) =>
        Assert.Equal(repeatable, SutroApi.IsRepeatable(Created(Start, status, runType)));
}
