using System;

namespace Sutro;

/// <summary>
/// A Sutro batch job as the API describes it. PowerShell shows the type as <c>Sutro.Job</c>; its
/// string form is the job id, so a job can be passed wherever an id is expected. Times are local
/// (<see cref="DateTimeKind.Local"/>), like the times of Get-ChildItem, so they compare with Get-Date.
/// </summary>
public sealed record Job
{
    public string JobId { get; init; } = string.Empty;

    public string? Name { get; init; }

    /// <summary>
    /// QUEUED, STARTING, RUNNING, SUCCEEDED, CANCELLING, CANCELLED, FAILED or UNKNOWN, upper case; a word
    /// the module does not know is kept as sent (upper-cased) and is not final.
    /// </summary>
    public string Status { get; init; } = JobStatus.Unknown;

    public string? Model { get; init; }

    /// <summary>0 (the default priority) or 1.</summary>
    public int? Priority { get; init; }

    public DateTime? Created { get; init; }

    public DateTime? Started { get; init; }

    public DateTime? Completed { get; init; }

    /// <summary>The job's number of input rows.</summary>
    public long? Rows { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary>What the job cost, in USD.</summary>
    public decimal? Cost { get; init; }

    /// <summary>
    /// The estimated cost of a dry run, in USD; on the job Start-SutroJob -MaxEstimatedCost writes, its dry run's.
    /// </summary>
    public decimal? CostEstimate { get; init; }

    /// <summary>How the job runs: FULL for a real run; cost-estimate (dry) runs say otherwise.</summary>
    public string? RunType { get; init; }

    /// <summary>Why a failed job failed (the failure reason's message).</summary>
    public string? FailureReason { get; init; }

    /// <summary>More about the failure, when the API gives it (additional_context).</summary>
    public string? FailureContext { get; init; }

    public string? Description { get; init; }

    public string? SystemPrompt { get; init; }

    /// <summary>The JSON schema of a structured-output job, as JSON text.</summary>
    public string? JsonSchema { get; init; }

    /// <summary>The sampling parameters, as JSON text.</summary>
    public string? SamplingParams { get; init; }

    public string? DatasetId { get; init; }

    /// <summary>True once the job has reached SUCCEEDED, FAILED or CANCELLED.</summary>
    public bool IsFinal => JobStatus.IsFinal(Status);

    public override string ToString() => JobId;
}
