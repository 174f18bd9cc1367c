namespace Sutro;

/// <summary>What Clear-SutroCache removed.</summary>
public sealed class ResultsCacheCleared
{
    public ResultsCacheCleared(string folder, string[] jobIds, int count, long bytesFreed)
    {
        Folder = folder;
        JobIds = jobIds;
        Count = count;
        BytesFreed = bytesFreed;
    }

    /// <summary>The cache folder, ~/.sutro/job-results.</summary>
    public string Folder { get; }

    /// <summary>The jobs whose cached results were removed.</summary>
    public string[] JobIds { get; }

    /// <summary>How many files were removed (unfinished writes left behind included).</summary>
    public int Count { get; }

    /// <summary>The bytes those files held.</summary>
    public long BytesFreed { get; }
}
