using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.MockServer;

/// <summary>
/// Resolves the results body of a job for a query: an explicit body from the control API, else the fixture file
/// byte for byte, or a results file streamed from disk, else a generated body (cached per job version, format and include flags).
/// </summary>
public sealed class ResultStore(string? fixturesDir)
{
    /// <summary>Generated JSON larger than this many rows is streamed instead of buffered.</summary>
    private const int StreamJsonAboveRows = 20_000;

    private readonly ConcurrentDictionary<(long, ResultFormat, bool, bool), Lazy<Task<ResultBody>>> _generated = new();
    private readonly ConcurrentDictionary<string, Lazy<ResultBody>> _files = new(StringComparer.Ordinal);

    public static string DefaultContentType(ResultFormat format) => format switch
    {
        ResultFormat.Json => "application/json",
        ResultFormat.Csv => "application/zip",
        _ => "application/octet-stream",
    };

    public Task<ResultBody> GetAsync(JobDefinition def, ResultQuery q)
    {
        string contentType = def.ResultsContentTypes is { } types && types.TryGetValue(q.Format, out string? t)
            ? t : DefaultContentType(q.Format);
        if (def.ResultsBodies is { } bodies && bodies.TryGetValue(q.Format, out byte[]? raw))
            return Task.FromResult(ResultBody.FromBytes(raw, contentType));
        if (def.ResultsFiles?.For(q.Format) is string onDisk)
            return Task.FromResult(ResultBody.FromFile(onDisk, contentType));
        if (def.Fixtures?.For(q.Format) is string file && fixturesDir is not null)
        {
            string path = FixtureRows.Resolve(fixturesDir, file);
            if (File.Exists(path))
                return Task.FromResult(_files.GetOrAdd(path + "\n" + contentType,
                    _ => new Lazy<ResultBody>(() => ResultBody.FromBytes(File.ReadAllBytes(path), contentType))).Value);
        }
        var key = (def.Version, q.Format, q.IncludeInputs, q.IncludeLogprobs);
        Lazy<Task<ResultBody>> lazy = _generated.GetOrAdd(key, _ => new Lazy<Task<ResultBody>>(() => GenerateAsync(def, q, contentType)));
        return lazy.Value;
    }

    /// <summary>Drops cached bodies of job versions no longer served.</summary>
    public void Retain(IReadOnlyCollection<long> liveVersions)
    {
        var live = new HashSet<long>(liveVersions);
        foreach (var key in _generated.Keys)
        {
            if (!live.Contains(key.Item1)) _generated.TryRemove(key, out _);
        }
    }

    private static async Task<ResultBody> GenerateAsync(JobDefinition def, ResultQuery q, string contentType)
    {
        await Task.Yield();
        switch (q.Format)
        {
            case ResultFormat.Json when def.Rows.Count > StreamJsonAboveRows:
                return await ResultBody.FromProducerAsync(
                    (s, ct) => JsonResultWriter.WriteAsync(s, def, q.IncludeInputs, q.IncludeLogprobs, ct), contentType);
            case ResultFormat.Json:
                using (var ms = new MemoryStream())
                {
                    await JsonResultWriter.WriteAsync(ms, def, q.IncludeInputs, q.IncludeLogprobs, CancellationToken.None);
                    return ResultBody.FromBytes(ms.ToArray(), contentType);
                }
            case ResultFormat.Csv:
                return ResultBody.FromBytes(CsvResultWriter.Build(def, q.IncludeInputs, q.IncludeLogprobs), contentType);
            default:
                return ResultBody.FromBytes(
                    await ParquetResultWriter.BuildAsync(def, q.IncludeInputs, q.IncludeLogprobs, CancellationToken.None), contentType);
        }
    }
}
