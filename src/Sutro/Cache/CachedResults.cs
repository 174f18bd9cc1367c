using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Sutro.Results;

namespace Sutro.Cache;

/// <summary>What the cache holds for a request: the file to read, or null and why not (for verbose text).</summary>
internal sealed record CacheLookup(string? Path, string Reason);

/// <summary>
/// Decides whether a job's cache file serves a request, as the SDK does: the file must hold an outputs column,
/// and the inputs and cumulative_logprobs columns when the request asks for them. A file with more columns than
/// asked serves the request (the extra ones are left out of the rows, see <see cref="ColumnsAskedDecoder"/>); one
/// with fewer never does, nor one the Parquet decoder cannot open.
/// </summary>
internal static class CachedResults
{
    public static CacheLookup Find(ResultsCache cache, string jobId, bool inputs, bool logprobs, CancellationToken cancellationToken)
    {
        string path = cache.PathFor(jobId);
        if (!File.Exists(path))
        {
            return new CacheLookup(null, $"Job {jobId}: no cached results in {cache.Folder}.");
        }

        ResultSchema schema;
        try
        {
            using var decoder = ParquetResultDecoder.Open(path, new[] { jobId }, cancellationToken);
            schema = decoder.Schema;
        }
        catch (ResultDecodeException ex)
        {
            return new CacheLookup(null, $"Job {jobId}: the cached results {path} cannot be read ({ex.Message}); they are downloaded again.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new CacheLookup(null, $"Job {jobId}: the cached results {path} cannot be read ({ex.Message}); they are downloaded again.");
        }

        var missing = new List<string>();
        if (inputs && !schema.HasInput)
        {
            missing.Add("inputs (-IncludeInput)");
        }

        if (logprobs && !schema.HasLogprob)
        {
            missing.Add("cumulative_logprobs (-IncludeCumulativeLogprob)");
        }

        if (missing.Count > 0)
        {
            return new CacheLookup(null,
                $"Job {jobId}: the cached results {path} have no {string.Join(" and no ", missing)} column; they are downloaded again.");
        }

        return new CacheLookup(path, $"Job {jobId}: rows read from the results cache, {path}.");
    }
}
