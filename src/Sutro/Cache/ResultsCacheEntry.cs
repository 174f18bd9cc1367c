using System;

namespace Sutro;

/// <summary>One job's results in the local results cache (Get-SutroCache). PowerShell shows it as <c>Sutro.ResultsCacheEntry</c>.</summary>
public sealed class ResultsCacheEntry
{
    public ResultsCacheEntry(string jobId, string name, string path, long bytes, DateTime lastWriteTime, string[]? columns)
    {
        JobId = jobId;
        Name = name;
        Path = path;
        Bytes = bytes;
        LastWriteTime = lastWriteTime;
        Columns = columns;
    }

    /// <summary>The job, from the file name (&lt;job id&gt;.snappy.parquet).</summary>
    public string JobId { get; }

    /// <summary>The file's name in the cache folder.</summary>
    public string Name { get; }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Bytes { get; }

    /// <summary>When the file was last written (local time).</summary>
    public DateTime LastWriteTime { get; }

    /// <summary>The file's top-level columns (inputs, inference_result, cumulative_logprobs...), or null when it cannot be read.</summary>
    public string[]? Columns { get; }

    public override string ToString() => Name;
}
