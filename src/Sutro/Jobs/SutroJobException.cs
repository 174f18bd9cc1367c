using System;
using System.Management.Automation;

namespace Sutro.Jobs;

/// <summary>
/// A job that ended other than by succeeding (JobFailed, JobCancelled), or a wait that ran out of
/// time (WaitTimedOut). Carries the job as last seen, for scripts that want more than the message.
/// </summary>
public sealed class SutroJobException : Exception
{
    public SutroJobException(string errorId, ErrorCategory category, string message, string jobId, Job? job)
        : base(message)
    {
        ErrorId = errorId;
        Category = category;
        JobId = jobId;
        Job = job;
    }

    public string ErrorId { get; }

    public ErrorCategory Category { get; }

    public string JobId { get; }

    /// <summary>The job as last seen, when it was read.</summary>
    public Job? Job { get; }
}
