using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Parquet;
using Sutro.Results;

namespace Sutro.Cache;

/// <summary>The cache's files as <see cref="ResultsCacheEntry"/> objects, with the columns each file's footer names.</summary>
internal static class CacheEntries
{
    /// <summary>The entries whose job id matches one of <paramref name="patterns"/> (all of them when null).</summary>
    public static IReadOnlyList<ResultsCacheEntry> List(ResultsCache cache, IReadOnlyList<WildcardPattern>? patterns)
    {
        var entries = new List<ResultsCacheEntry>();
        foreach (FileInfo file in cache.Files())
        {
            string jobId = ResultsCache.JobIdOf(file.Name)!;
            if (patterns is not null && !patterns.Any(p => p.IsMatch(jobId)))
            {
                continue;
            }

            entries.Add(new ResultsCacheEntry(jobId, file.Name, file.FullName, file.Length, file.LastWriteTime, ColumnsOf(file.FullName)));
        }

        return entries;
    }

    /// <summary>The top-level columns of a Parquet file, or null when its footer cannot be read.</summary>
    private static string[]? ColumnsOf(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            ParquetFooterCheck.Validate(file);
            var reader = ParquetReader.CreateAsync(file, null, leaveStreamOpen: true).GetAwaiter().GetResult();
            try
            {
                return reader.Schema.Fields.Select(f => f.Name).ToArray();
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex) when (ex is ResultDecodeException or IOException or UnauthorizedAccessException or InvalidDataException
            or Parquet.ParquetException or Parquet.Meta.Proto.ThriftProtocolException)
        {
            return null;
        }
    }
}
