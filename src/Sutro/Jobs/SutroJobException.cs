using System.Management.Automation;

namespace Sutro.Jobs;

/// <summary>
/// A job that ended other than by succeeding (JobFailed, JobCancelled), or a wait that ran out of
/// time (WaitTimedOut). Carries the job as last seen, for scripts that want more than the message.
/// </summary>
public sealed class SutroJobException : SutroException
{
    public SutroJobException(string errorId, ErrorCategory category, string message, string jobId, Job? job)
        : base(errorId, category, message)
    {
        JobId = jobId;
        Job = job;
    }

    public string JobId { get; }

    /// <summary>The job as last seen, when it was read.</summary>
    public Job? Job { get; }
}
