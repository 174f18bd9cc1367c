using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>Every independent fixture decodes to exactly its expected rows.</summary>
public class DecoderFixtureTests
{
    public static TheoryData<string, string, string> Fixtures => new()
    {
        { "small.json", "job_12345", "small.jsonl" },
        { "small.csv.zip", "job_12345", "small.jsonl" },
        { "small.polars.zstd.parquet", "job_12345", "small.jsonl" },
        { "nasty.json", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty.jsonl" },
        { "nasty.csv.zip", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty.csv.jsonl" },
        { "nasty.polars.zstd.parquet", "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty.jsonl" },
        { "structured.json", "job_structured_001", "structured.jsonl" },
        { "structured.csv.zip", "job_structured_001", "structured.jsonl" },
        { "structured.polars.zstd.parquet", "job_structured_001", "structured.jsonl" },
        { "reasoning_obj.json", "job_reasoning_obj", "reasoning_obj.jsonl" },
        { "reasoning_obj.csv.zip", "job_reasoning_obj", "reasoning_obj.jsonl" },
        { "reasoning_obj.polars.zstd.parquet", "job_reasoning_obj", "reasoning_obj.jsonl" },
        { "outputs_only.json", "job_outputs_only", "outputs_only.jsonl" },
        { "outputs_only.csv.zip", "job_outputs_only", "outputs_only.jsonl" },
        { "outputs_only.duckdb.zstd.jobcol.parquet", "job_outputs_only", "outputs_only.jsonl" },
        { "pages.duckdb.v2.snappy.parquet", "job_pages", "pages.jsonl" },
        { "pages.duckdb.v1.gzip.parquet", "job_pages", "pages.jsonl" },
        { "pages.duckdb.v1.lz4.parquet", "job_pages", "pages.jsonl" },
        { "pages.duckdb.v1.brotli.parquet", "job_pages", "pages.jsonl" },
        { "pages.polars.zstd.parquet", "job_pages", "pages.jsonl" },
        { "pages.polars.snappy.parquet", "job_pages", "pages.jsonl" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureDecodesToExpectedRows(string file, string jobId, string expected)
    {
        string actual = Decode(Canonical.FixturePath("valid", file), jobId);
        string want = File.ReadAllText(Canonical.FixturePath("expected", expected), Encoding.UTF8);
        Assert.Equal(want, actual);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureDecodesThroughThePrefetcherToTheSameRows(string file, string jobId, string expected)
    {
        using var decoder = ResultDecoders.Open(Canonical.FixturePath("valid", file), null, new[] { jobId }, CancellationToken.None);
        var builder = new StringBuilder();
        foreach (var batch in BatchPrefetcher.Prefetch(decoder, CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                builder.Append(Canonical.Row(decoder.Schema.HasInput ? (string?)batch.Inputs[i] : null, (string?)batch.Outputs[i], decoder.Schema.HasLogprob ? batch.Logprobs[i] : null));
            }
        }

        Assert.Equal(File.ReadAllText(Canonical.FixturePath("expected", expected), Encoding.UTF8), builder.ToString());
    }

    [Fact]
    public void RowCountIsKnownAfterValidation()
    {
        using var decoder = ResultDecoders.Open(Canonical.FixturePath("valid", "nasty.json"), ResultFormat.Json, new[] { "x" }, CancellationToken.None);
        Assert.Equal(27, decoder.RowCount);
        Assert.True(decoder.Schema.HasInput);
        Assert.True(decoder.Schema.HasLogprob);
        Assert.Empty(decoder.Schema.ExtraColumns);
    }

    internal static string Decode(string path, string? jobId, ResultFormat? format = null)
    {
        using var decoder = ResultDecoders.Open(path, format, jobId is null ? System.Array.Empty<string>() : new[] { jobId }, CancellationToken.None);
        var builder = new StringBuilder();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                builder.Append(Canonical.Row(decoder.Schema.HasInput ? (string?)batch.Inputs[i] : null, (string?)batch.Outputs[i], decoder.Schema.HasLogprob ? batch.Logprobs[i] : null));
            }
        }

        return builder.ToString();
    }
}
