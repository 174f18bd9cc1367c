using System;
using System.Collections.Generic;

namespace Sutro.Api;

/// <summary>
/// The creation times a scan of <c>list-jobs</c> wants: at or after <see cref="CreatedAfter"/> and before
/// <see cref="CreatedBefore"/> (UTC; either may be open). Jobs come newest first, so the first page holding a job
/// created before the start is the last page worth asking for. A job without a creation time
/// (<c>datetime_created</c> null) has no place in a window: a bounded scan leaves it out, and it never ends a scan.
/// The Sutro CLI drops such jobs from its list too.
/// </summary>
internal readonly record struct JobWindow(DateTime? CreatedAfter, DateTime? CreatedBefore)
{
    /// <summary>A window from <paramref name="after"/> and to <paramref name="before"/>, in any kind of time.</summary>
    public static JobWindow Of(DateTime? after, DateTime? before) => new(Utc(after), Utc(before));

    public bool IsBounded => CreatedAfter is not null || CreatedBefore is not null;

    /// <summary>True when the job was created within the window (any job when the window is open).</summary>
    public bool Contains(Job job)
    {
        if (!IsBounded)
        {
            return true;
        }

        if (job.Created is not { } local)
        {
            return false;
        }

        DateTime created = local.ToUniversalTime();
        return (CreatedAfter is not { } after || created >= after)
            && (CreatedBefore is not { } before || created < before);
    }

    /// <summary>
    /// True when a page (newest first) reaches back before the window's start: later pages are older still.
    /// </summary>
    public bool EndsAt(IEnumerable<Job> page)
    {
        if (CreatedAfter is not { } after)
        {
            return false;
        }

        foreach (Job job in page)
        {
            if (job.Created is { } created && created.ToUniversalTime() < after)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A time as UTC: a local or unspecified time (what Get-Date and a cast of '2026-12-01' give) is read as local.
    /// </summary>
    private static DateTime? Utc(DateTime? time) => time?.Kind switch
    {
        null => null,
        DateTimeKind.Utc => time,
        _ => time.Value.ToUniversalTime(),
    };
}
