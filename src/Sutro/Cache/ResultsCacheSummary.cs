namespace Sutro;

/// <summary>The size of the local results cache (Get-SutroCache -Summary).</summary>
public sealed class ResultsCacheSummary
{
    public ResultsCacheSummary(string folder, int count, long bytes)
    {
        Folder = folder;
        Count = count;
        Bytes = bytes;
    }

    /// <summary>The cache folder, ~/.sutro/job-results.</summary>
    public string Folder { get; }

    /// <summary>How many jobs' results it holds (of those asked for).</summary>
    public int Count { get; }

    /// <summary>Their size in bytes.</summary>
    public long Bytes { get; }
}
