using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Results of many batches (and, for Parquet, several row groups whose sizes are not multiples of a batch)
/// decode to exactly the rows written, in order, in batches of at most <see cref="ResultBatch.DefaultRows"/>,
/// with extra columns kept in step.
/// </summary>
public class ManyBatchesTests : IDisposable
{
    private const int Rows = 1000;
    private const string JobId = "job_many";

    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-batches-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Input(int i) => $"in {i}: café, \"quoted\" 🚀";

    private static string? Output(int i) => i % 97 == 5 ? null : i % 5 == 0 ? $"line one of {i}\r\nline two, ✅" : $"out {i} — Zürich";

    private static double? Logprob(int i) => i % 89 == 3 ? null : -i / 7.0;

    private static long Score(int i) => i * 3L;

    [Fact]
    public void JsonDecodesEveryRowInOrder()
    {
        string path = Path.Combine(_dir, "r.json");
        using (var file = File.Create(path))
        using (var json = new Utf8JsonWriter(file))
        {
            json.WriteStartObject();
            json.WriteStartArray("inputs");
            for (int i = 0; i < Rows; i++) json.WriteStringValue(Input(i));
            json.WriteEndArray();
            json.WriteStartArray("outputs");
            for (int i = 0; i < Rows; i++) json.WriteStringValue(Output(i));
            json.WriteEndArray();
            json.WriteStartArray("cumulative_logprobs");
            for (int i = 0; i < Rows; i++)
            {
                if (Logprob(i) is { } lp) json.WriteNumberValue(lp); else json.WriteNullValue();
            }

            json.WriteEndArray();
            json.WriteStartArray("score");
            for (int i = 0; i < Rows; i++) json.WriteNumberValue(Score(i));
            json.WriteEndArray();
            json.WriteEndObject();
        }

        AssertRows(path);
    }

    [Fact]
    public void ZippedCsvDecodesEveryRowInOrder()
    {
        var csv = new StringBuilder($"inputs,{JobId},cumulative_logprobs,score\r\n");
        for (int i = 0; i < Rows; i++)
        {
            csv.Append(Field(Input(i))).Append(',').Append(Field(Output(i))).Append(',')
                .Append(Logprob(i)?.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(Score(i).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        string path = Path.Combine(_dir, "r.zip");
        File.WriteAllBytes(path, MalformedBodyTests.Zip(($"{JobId}.csv", Encoding.UTF8.GetBytes(csv.ToString()))));
        AssertRows(path, nullOutputsAsEmpty: true);
    }

    [Fact]
    public async Task ParquetOfSeveralRowGroupsDecodesEveryRowInOrder()
    {
        var inputs = new DataField<string>("inputs", true);
        var outputs = new DataField<string>("outputs", true);
        var logprobs = new DataField<double?>("cumulative_logprobs", true);
        var score = new DataField<long?>("score", true);
        string path = Path.Combine(_dir, "r.parquet");
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(inputs, outputs, logprobs, score), file))
        {
            // Row groups of 300, 300, 300 and 100 rows: batches cut inside and across them.
            for (int start = 0; start < Rows; start += 300)
            {
                int n = Math.Min(300, Rows - start);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(inputs, Enumerable.Range(start, n).Select(Input).ToArray());
                await group.WriteAsync(outputs, Enumerable.Range(start, n).Select(Output).ToArray()!);
                await group.WriteAsync<double>(logprobs, Enumerable.Range(start, n).Select(Logprob).ToArray());
                await group.WriteAsync<long>(score, Enumerable.Range(start, n).Select(i => (long?)Score(i)).ToArray());
            }
        }

        AssertRows(path);
    }

    private static void AssertRows(string path, bool nullOutputsAsEmpty = false)
    {
        using var decoder = ResultDecoders.Open(path, null, new[] { JobId }, CancellationToken.None);
        Assert.Equal(Rows, decoder.RowCount);
        Assert.Equal(new[] { "score" }, decoder.Schema.ExtraColumns);
        var seen = new List<(string? Input, string? Output, double? Logprob, object? Score)>();
        foreach (var batch in BatchPrefetcher.Prefetch(decoder, CancellationToken.None))
        {
            Assert.InRange(batch.Count, 1, ResultBatch.DefaultRows);
            for (int i = 0; i < batch.Count; i++)
            {
                seen.Add(((string?)batch.Inputs[i], (string?)batch.Outputs[i], batch.Logprobs[i], batch.Extras[0][i]));
            }
        }

        Assert.Equal(Rows, seen.Count);
        for (int i = 0; i < Rows; i++)
        {
            string? output = Output(i) ?? (nullOutputsAsEmpty ? string.Empty : null);
            Assert.Equal((Input(i), output, Logprob(i), (object?)Score(i)), seen[i]);
        }
    }

    private static string Field(string? value) =>
        value is null ? string.Empty : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
