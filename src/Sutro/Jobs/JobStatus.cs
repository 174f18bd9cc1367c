using System;

namespace Sutro;

/// <summary>The words of a job's status, and which of them are final.</summary>
public static class JobStatus
{
    public const string Queued = "QUEUED";
    public const string Starting = "STARTING";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Cancelling = "CANCELLING";
    public const string Cancelled = "CANCELLED";
    public const string Failed = "FAILED";
    public const string Unknown = "UNKNOWN";

    /// <summary>The statuses the API documents, in the order a job passes through them.</summary>
    public static readonly string[] Known = { Queued, Starting, Running, Succeeded, Cancelling, Cancelled, Failed, Unknown };

    /// <summary>
    /// Upper-cases a status word and maps the other words servers use: pending and submitted are QUEUED,
    /// completed, success and done are SUCCEEDED, error is FAILED, canceled and canceling (US spelling) are
    /// CANCELLED and CANCELLING. Any other word is kept (and is not final); none is UNKNOWN.
    /// </summary>
    public static string Normalize(string? word)
    {
        string upper = (word ?? string.Empty).Trim().ToUpperInvariant();
        return upper switch
        {
            "" => Unknown,
            "PENDING" or "SUBMITTED" => Queued,
            "COMPLETED" or "SUCCESS" or "DONE" => Succeeded,
            "ERROR" => Failed,
            "CANCELED" => Cancelled,
            "CANCELING" => Cancelling,
            _ => upper,
        };
    }

    public static bool IsFinal(string? status) =>
        Normalize(status) is Succeeded or Failed or Cancelled;

    public static bool IsKnown(string? status) =>
        Array.IndexOf(Known, Normalize(status)) >= 0;

    /// <summary>
    /// Does a job's status match a -Status filter word? UNKNOWN also matches any word the module does not know.
    /// </summary>
    public static bool Matches(string jobStatus, string filter)
    {
        string wanted = Normalize(filter);
        string actual = Normalize(jobStatus);
        return actual == wanted || (wanted == Unknown && !IsKnown(actual));
    }
}
