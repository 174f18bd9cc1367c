using System;

namespace Sutro;

/// <summary>
/// A pre-signed link to a job's Parquet results, as Get-SutroJobResultLink gives it. PowerShell shows the type as
/// <c>Sutro.JobResultLink</c>. Anyone holding <see cref="Url"/> can download the results until
/// <see cref="ExpiresAt"/>, without a key: the default views and <see cref="ToString"/> never show it.
/// </summary>
public sealed class JobResultLink
{
    public JobResultLink(string jobId, string url, string? fileName, long sizeBytes, DateTimeOffset expiresAt)
    {
        JobId = jobId;
        Url = url;
        FileName = fileName;
        SizeBytes = sizeBytes;
        ExpiresAt = expiresAt;
    }

    /// <summary>The job whose results the link serves.</summary>
    public string JobId { get; }

    /// <summary>The pre-signed GET link, exactly as the API sent it. It grants access by itself.</summary>
    public string Url { get; }

    /// <summary>The artifact's file name as the API gives it (<c>artifact.filename</c>), or $null.</summary>
    public string? FileName { get; }

    /// <summary>The size of the Parquet file, in bytes, as the API announces it.</summary>
    public long SizeBytes { get; }

    /// <summary>When the link stops working (UTC): the moment the answer arrived plus its lifetime.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The job id: the link itself is never part of the text of this object.</summary>
    public override string ToString() => JobId;
}
