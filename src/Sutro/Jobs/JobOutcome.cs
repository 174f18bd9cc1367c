using System;
using System.Management.Automation;

namespace Sutro.Jobs;

/// <summary>
/// The errors of a job that ended without results: JobFailed (with the server's failure reason) and JobCancelled.
/// One place builds them, for a wait that sees the job end and for a results request on a job that has ended.
/// </summary>
internal static class JobOutcome
{
    /// <summary>The error for a job whose final status is FAILED or CANCELLED (CANCELLING counts as cancelled).</summary>
    public static SutroJobException NoResults(Job job, string status, JobStatusAnswer? answer, Func<string, string> redact) =>
        status == JobStatus.Failed ? Failed(job, answer, redact) : Cancelled(job, status);

    /// <summary>True for a status that means the job will never have results.</summary>
    public static bool EndedWithoutResults(string status) =>
        status is JobStatus.Failed or JobStatus.Cancelled or JobStatus.Cancelling;

    public static SutroJobException Failed(Job job, JobStatusAnswer? answer, Func<string, string> redact)
    {
        string? reason = answer?.FailureReason ?? job.FailureReason;
        string? context = answer?.FailureReason is not null ? answer.FailureContext : job.FailureContext;
        string why = reason is null ? "the API gave no reason" : context is null ? reason : $"{reason} ({context})";
        return new SutroJobException(ErrorIds.JobFailed, ErrorCategory.InvalidResult,
            redact($"Job {Describe(job)} failed: {why}. It has no results; fix the cause and submit it again."), job.JobId,
            job with { Status = JobStatus.Failed });
    }

    public static SutroJobException Cancelled(Job job, string status = JobStatus.Cancelled) =>
        new(ErrorIds.JobCancelled, ErrorCategory.OperationStopped,
            status == JobStatus.Cancelling
                ? $"Job {Describe(job)} is being cancelled, so it will have no results. Submit it again if you still need it."
                : $"Job {Describe(job)} was cancelled, so it has no results. Submit it again if you still need it.",
            job.JobId, job with { Status = status });

    public static string Describe(Job job) => string.IsNullOrEmpty(job.Name) ? $"'{job.JobId}'" : $"'{job.JobId}' ({job.Name})";
}
