using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace Sutro.Cache;

/// <summary>
/// The results cache the Python SDK keeps, shared with it: one Parquet file per job,
/// <c>~/.sutro/job-results/&lt;job id&gt;.snappy.parquet</c>, named by the job id alone (as the SDK's
/// <c>get_job_results</c> names it), whatever the endpoint. This class knows the folder and the names; reading
/// (<see cref="CachedResults"/>), writing (<see cref="CacheWriter"/>) and listing (<see cref="CacheEntries"/>)
/// are their own.
/// </summary>
internal sealed class ResultsCache
{
    /// <summary>The ending of every cache file, as the SDK names them.</summary>
    public const string Extension = ".snappy.parquet";

    /// <summary>The ending of a file being written, before it is renamed into place.</summary>
    public const string TemporaryExtension = ".tmp";

    /// <summary>
    /// A job id that can name a file in every file system and never leaves the folder: letters, digits, '.', '_'
    /// and '-', starting with a letter or digit (the service's ids are <c>job-&lt;uuid&gt;</c>).
    /// </summary>
    private static readonly Regex FileNameSafe = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", RegexOptions.CultureInvariant);

    public ResultsCache(string folder)
    {
        Folder = folder;
    }

    /// <summary>The user's cache: <c>job-results</c> in the <c>.sutro</c> folder of the home folder.</summary>
    public static ResultsCache ForUser() =>
        new(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sutro", "job-results"));

    public string Folder { get; }

    /// <summary>Can this job's results be cached under its id?</summary>
    public static bool CanName(string jobId) => FileNameSafe.IsMatch(jobId) && !jobId.EndsWith('.');

    /// <summary>The cache file of a job (which may not exist); the id must pass <see cref="CanName"/>.</summary>
    public string PathFor(string jobId)
    {
        if (!CanName(jobId))
        {
            throw new ArgumentException($"The job id '{jobId}' cannot name a cache file.", nameof(jobId));
        }

        return Path.Combine(Folder, jobId + Extension);
    }

    /// <summary>The job a cache file's name gives, or null for a file that is not a cache entry.</summary>
    public static string? JobIdOf(string fileName)
    {
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return null;
        }

        string id = fileName[..^Extension.Length];
        return CanName(id) ? id : null;
    }

    /// <summary>
    /// The name a file being written gets: hidden, unique, and never a cache entry's name, so a reader never sees
    /// it half written.
    /// </summary>
    public string TemporaryPathFor(string jobId) =>
        Path.Combine(Folder, $".{jobId}{Extension}.{Guid.NewGuid():N}{TemporaryExtension}");

    /// <summary>A file a write that did not finish left behind (see <see cref="TemporaryPathFor"/>).</summary>
    public static bool IsLeftover(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(TemporaryExtension, StringComparison.Ordinal)
        && fileName.Contains(Extension + ".", StringComparison.Ordinal);

    /// <summary>The cache files there are (none when the folder does not exist), by name.</summary>
    public IReadOnlyList<FileInfo> Files()
    {
        var folder = new DirectoryInfo(Folder);
        if (!folder.Exists)
        {
            return Array.Empty<FileInfo>();
        }

        var files = new List<FileInfo>();
        foreach (FileInfo file in folder.EnumerateFiles())
        {
            if (JobIdOf(file.Name) is not null)
            {
                files.Add(file);
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return files;
    }
}
