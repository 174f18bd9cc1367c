using System;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Jobs;

namespace Sutro.Api;

/// <summary>Finding a job again by its name: the bounded scan of <c>list-jobs</c> behind -IfExists.</summary>
internal sealed partial class SutroApi
{
    /// <summary>
    /// The newest job named exactly <paramref name="name"/> (ordinal: the service keeps a name as given) created at
    /// or after <paramref name="createdAfter"/> that a second submission would repeat: a real run (not a cost
    /// estimate), neither FAILED nor CANCELLED nor on its way there (CANCELLING). Null when there is none. The scan
    /// asks for pages of 100, newest first, and stops at the first match or the first page that reaches back before
    /// <paramref name="createdAfter"/>; a job without a creation time never matches.
    /// </summary>
    public async Task<(Job? Job, JobLister Scan)> FindRepeatableJobAsync(
        string name, DateTime createdAfter, CancellationToken cancellationToken)
    {
        var scan = ListJobs(MaxPageSize, JobWindow.Of(createdAfter, null));
        while (await scan.NextAsync(cancellationToken).ConfigureAwait(false) is { } page)
        {
            foreach (Job job in page)
            {
                if (string.Equals(job.Name, name, StringComparison.Ordinal) && IsRepeatable(job))
                {
                    return (job, scan);
                }
            }
        }

        return (null, scan);
    }

    /// <summary>The UTC time <paramref name="age"/> before now (the earliest time there is, beyond it).</summary>
    public static DateTime Ago(TimeSpan age)
    {
        DateTime now = DateTime.UtcNow;
        return age >= now - DateTime.MinValue ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : now - age;
    }

    /// <summary>True for a job a second submission would repeat: a real run, not failed or cancelled.</summary>
    internal static bool IsRepeatable(Job job) =>
        !IsCostEstimate(job)
        && job.Status is not (JobStatus.Failed or JobStatus.Cancelled or JobStatus.Cancelling);

    /// <summary>
    /// True for a dry run: its run_type says something other than FULL. A job without a run_type is taken for a
    /// real run (older deployments do not say).
    /// </summary>
    internal static bool IsCostEstimate(Job job) =>
        job.RunType is { Length: > 0 } runType && !string.Equals(runType, "FULL", StringComparison.OrdinalIgnoreCase);
}
