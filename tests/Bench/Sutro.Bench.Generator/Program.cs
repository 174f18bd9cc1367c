using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;

namespace Sutro.Bench.Generator;

/// <summary>
/// <c>Sutro.Bench.Generator --rows N --out DIR --job-id ID [--seed S] [--row-group R]</c> writes, into DIR:
/// <c>results.json</c> (the JSON body: parallel arrays), <c>results.csv.zip</c> (one <c>ID.csv</c>, the outputs
/// column named after the job), <c>results.parquet</c> (zstd, row groups of R rows) and
/// <c>results-one-group.parquet</c> (the same in a single Snappy row group, one page per column: the page reader's
/// hardest case), <c>results-122880.parquet</c> (Snappy, DuckDB's row-group size) and <c>results-embedding.parquet</c>
/// (an embedding job: outputs a list of 32 doubles a row, zstd, row groups of R rows; read by the nested-column
/// reader). The same seed gives the same bytes.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        long rows = 1_000_000;
        int rowGroup = 100_000;
        ulong seed = 20261120;
        string? output = null, jobId = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--rows": rows = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--out": output = value; break;
                case "--job-id": jobId = value; break;
                case "--seed": seed = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                case "--row-group": rowGroup = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"Unknown argument {args[i]}"); return 2;
            }
        }

        if (output is null || jobId is null || rows < 1 || rowGroup < 1)
        {
            Console.Error.WriteLine("Usage: Sutro.Bench.Generator --rows N --out DIR --job-id ID [--seed S] [--row-group R]");
            return 2;
        }

        Directory.CreateDirectory(output);
        var source = new BenchRows(seed);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(
            Task.Run(() => WriteJson(Path.Combine(output, "results.json"), source, rows)),
            Task.Run(() => WriteZippedCsv(Path.Combine(output, "results.csv.zip"), jobId, source, rows)),
            Task.Run(() => WriteParquetAsync(Path.Combine(output, "results.parquet"), source, rows, rowGroup)),
            Task.Run(() => WriteParquetAsync(Path.Combine(output, "results-one-group.parquet"), source, rows, checked((int)rows), CompressionMethod.Snappy)),
            Task.Run(() => WriteParquetAsync(Path.Combine(output, "results-122880.parquet"), source, rows, 122_880, CompressionMethod.Snappy)),
            Task.Run(() => WriteEmbeddingParquetAsync(Path.Combine(output, "results-embedding.parquet"), source, rows, rowGroup)));
        Console.Error.WriteLine($"Generated {rows} rows in {clock.Elapsed.TotalSeconds:0.0} s into {output}");
        return 0;
    }

    private static void WriteJson(string path, BenchRows source, long rows)
    {
        using var file = Create(path);
        // Non-ASCII text is sent as UTF-8, as a JSON API does; quotes, control characters and emoji are escaped.
        using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        WriteArray(writer, "inputs", rows, i => writer.WriteStringValue(source.Input(i)));
        WriteArray(writer, "outputs", rows, i => writer.WriteStringValue(source.Output(i)));
        WriteArray(writer, "cumulative_logprobs", rows, i => writer.WriteNumberValue(source.Logprob(i)));
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, long rows, Action<long> value)
    {
        writer.WriteStartArray(name);
        for (long i = 0; i < rows; i++)
        {
            value(i);
            if ((i & 1023) == 1023)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteZippedCsv(string path, string jobId, BenchRows source, long rows)
    {
        using var file = Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        var entry = zip.CreateEntry(jobId + ".csv", CompressionLevel.Optimal);
        entry.LastWriteTime = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        using var text = new StreamWriter(entry.Open(), new UTF8Encoding(false), 1 << 16);
        using var csv = Sep.New(',').Writer(o => o with { Escape = true }).To(text);
        for (long i = 0; i < rows; i++)
        {
            using var row = csv.NewRow();
            row["inputs"].Set(source.Input(i));
            row[jobId].Set(source.Output(i));
            row["cumulative_logprobs"].Set(source.Logprob(i).ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static Task WriteParquetAsync(string path, BenchRows source, long rows, int rowGroup, CompressionMethod codec = CompressionMethod.Zstd)
    {
        var outputs = new DataField<string>("outputs", true);
        return WriteRowGroupsAsync(path, source, rows, rowGroup, codec, outputs, async (group, start, n) =>
        {
            var text = new string[n];
            for (int i = 0; i < n; i++) text[i] = source.Output(start + i);
            await group.WriteAsync(outputs, text);
        });
    }

    /// <summary>Dimensions of a benchmark embedding.</summary>
    public const int EmbeddingSize = 32;

    private static Task WriteEmbeddingParquetAsync(string path, BenchRows source, long rows, int rowGroup)
    {
        var element = new DataField<double>("element", false);
        return WriteRowGroupsAsync(path, source, rows, rowGroup, CompressionMethod.Zstd, new ListField("outputs", element), async (group, start, n) =>
        {
            var values = new double[n * EmbeddingSize];
            var definitions = new int[values.Length];
            var repetitions = new int[values.Length];
            for (int i = 0; i < n; i++)
            {
                source.Embedding(start + i, values.AsSpan(i * EmbeddingSize, EmbeddingSize));
                for (int d = 0; d < EmbeddingSize; d++)
                {
                    definitions[i * EmbeddingSize + d] = element.MaxDefinitionLevel;
                    repetitions[i * EmbeddingSize + d] = d == 0 ? 0 : 1;
                }
            }

            await group.WriteAllPartsAsync<double>(element, values, definitions, repetitions, default);
        });
    }

    /// <summary>Row groups of inputs, the outputs <paramref name="writeOutputs"/> writes, and logprobs.</summary>
    private static async Task WriteRowGroupsAsync(string path, BenchRows source, long rows, int rowGroup, CompressionMethod codec,
        Field outputs, Func<ParquetRowGroupWriter, long, int, Task> writeOutputs)
    {
        var inputs = new DataField<string>("inputs", true);
        var logprobs = new DataField<double?>("cumulative_logprobs", true);
        await using var file = Create(path);
        var options = new ParquetOptions { CompressionMethod = codec, CompressionLevel = CompressionLevel.Optimal };
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(inputs, outputs, logprobs), file, options);
        for (long start = 0; start < rows; start += rowGroup)
        {
            int n = (int)Math.Min(rowGroup, rows - start);
            using var group = writer.CreateRowGroup();
            var text = new string[n];
            for (int i = 0; i < n; i++) text[i] = source.Input(start + i);
            await group.WriteAsync(inputs, text);
            await writeOutputs(group, start, n);
            var numbers = new double?[n];
            for (int i = 0; i < n; i++) numbers[i] = source.Logprob(start + i);
            await group.WriteAsync<double>(logprobs, numbers);
            group.CompleteValidate();
        }
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
}
