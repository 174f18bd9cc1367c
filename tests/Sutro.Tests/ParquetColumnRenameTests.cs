using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Cache;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The cache's copy of a Parquet file with its outputs column named inference_result (the SDK's name): only the
/// footer changes; every row reads back the same, with the module's decoder and with Parquet.Net's own reader.
/// </summary>
public sealed class ParquetColumnRenameTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sutro-rename-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static IEnumerable<object[]> Fixtures() =>
        Directory.GetFiles(Canonical.FixturePath("valid"), "*.parquet").Select(f => new object[] { Path.GetFileName(f) }).OrderBy(f => (string)f[0]);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryFixtureReadsBackTheSameWithItsOutputsRenamed(string name)
    {
        string source = Canonical.FixturePath("valid", name);
        string outputs;
        try
        {
            using var decoder = ParquetResultDecoder.Open(source, new[] { "job_x" }, CancellationToken.None);
            outputs = decoder.OutputColumnName;
        }
        catch (ResultDecodeException)
        {
            Assert.Equal("twotext.duckdb.parquet", name);
            return;  // no outputs column: never cached
        }

        Assert.Equal(name == "inference.duckdb.parquet", outputs == CacheWriter.OutputColumn);
        if (name.Contains(".polars.", StringComparison.Ordinal))
        {
            Assert.Contains("kv ARROW:schema", MetadataOf(source));  // polars repeats the schema there
        }

        if (outputs == CacheWriter.OutputColumn)
        {
            return;  // already the SDK's name: the cache copies it as it is
        }

        string renamed = Rename(source, outputs, CacheWriter.OutputColumn);
        var (beforeColumns, beforeRows) = ReadRows(source);
        var (afterColumns, afterRows) = ReadRows(renamed);
        Assert.Equal(beforeColumns.Select(c => c == outputs ? CacheWriter.OutputColumn : c), afterColumns);
        Assert.Equal(beforeRows, afterRows);

        // Only the footer differs: the bytes before it are the same, and so is every fact of its metadata
        // (offsets, sizes, codecs, counts, statistics) but the column's name and the schema copies.
        long dataEnd = DataEnd(source);
        Assert.Equal(File.ReadAllBytes(source)[..(int)dataEnd], File.ReadAllBytes(renamed)[..(int)dataEnd]);
        var expected = MetadataOf(source).Select(line => line.Replace($"<{outputs}>", $"<{CacheWriter.OutputColumn}>", StringComparison.Ordinal))
            .Where(line => line is not ("kv ARROW:schema" or "kv pandas"));
        Assert.Equal(expected, MetadataOf(renamed));
    }

    [Fact]
    public async Task ManyColumnsAndKeyValuesUseTheLongListHeaderAndTheSchemaCopiesAreLeftOut()
    {
        var fields = Enumerable.Range(0, 20).Select(i => new DataField<string>(i == 17 ? "outputs" : $"c{i}", true)).ToArray();
        string path = Path.Combine(_folder, "wide.parquet");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        {
            var metadata = Enumerable.Range(0, 18).ToDictionary(i => $"k{i}", i => $"v{i}");
            metadata["ARROW:schema"] = "c2NoZW1h";
            metadata["pandas"] = "{\"columns\": []}";
            writer.CustomMetadata = metadata;
            using var group = writer.CreateRowGroup();
            for (int i = 0; i < fields.Length; i++)
            {
                await group.WriteAsync(fields[i], new string?[] { $"a{i}", null, $"c{i}" });
            }

            group.CompleteValidate();
        }

        string renamed = Rename(path, "outputs", "inference_result");
        await using (var file = File.OpenRead(renamed))
        await using (var reader = await ParquetReader.CreateAsync(file))
        {
            Assert.Equal(fields.Select(f => f.Name == "outputs" ? "inference_result" : f.Name), reader.Schema.DataFields.Select(f => f.Name));
            Assert.Equal(Enumerable.Range(0, 18).Select(i => $"k{i}").Order(), reader.CustomMetadata.Keys.Order());
            Assert.Equal("v17", reader.CustomMetadata["k17"]);
        }

        using var decoder = ParquetResultDecoder.Open(renamed, new[] { "job_x" }, CancellationToken.None);
        Assert.Equal("inference_result", decoder.OutputColumnName);
        var batch = decoder.ReadBatches(CancellationToken.None).Single();
        Assert.Equal(new object?[] { "a17", null, "c17" }, batch.Outputs[..3]);
        Assert.Equal(new object?[] { "a18", null, "c18" }, batch.Extras[17][..3]);
    }

    [Fact]
    public void AColumnNotThereOrADamagedFooterIsInvalidData()
    {
        string source = Canonical.FixturePath("valid", "small.polars.zstd.parquet");
        using var sink = new MemoryStream();
        var missing = Assert.Throws<InvalidDataException>(() => ParquetColumnRename.Copy(source, sink, "no_such_column", "x"));
        Assert.Equal("The Parquet schema has 0 top-level columns named 'no_such_column', not one.", missing.Message);

        byte[] bytes = File.ReadAllBytes(source);
        int footer = BitConverter.ToInt32(bytes, bytes.Length - 8);
        byte[] cut = bytes[(bytes.Length - 8 - footer)..(bytes.Length - 8 - footer / 2)];
        var damaged = Assert.Throws<InvalidDataException>(() => ParquetColumnRename.RenameFooter(cut, "outputs", "x"));
        Assert.Equal("The Parquet footer ends inside a value: the file is damaged.", damaged.Message);
    }

    private string Rename(string source, string from, string to)
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".parquet");
        using (var stream = File.Create(path))
        {
            ParquetColumnRename.Copy(source, stream, from, to);
        }

        return path;
    }

    /// <summary>The top-level columns and every row as text, as the module's decoder reads them.</summary>
    private static (List<string> Columns, List<string> Rows) ReadRows(string path)
    {
        using var decoder = ParquetResultDecoder.Open(path, new[] { "job_x" }, CancellationToken.None);
        var rows = new List<string>();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var cells = new List<object?> { batch.Outputs[i] };
                cells.Add(decoder.Schema.HasInput ? batch.Inputs[i] : "-");
                cells.Add(decoder.Schema.HasLogprob ? batch.Logprobs[i] : "-");
                cells.AddRange(batch.Extras.Select(e => e[i]));
                rows.Add(ValueDump.Render(cells));
            }
        }

        return (decoder.ColumnNames.ToList(), rows);
    }

    private static long DataEnd(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8);
    }

    /// <summary>The footer as Parquet.Net reads it, one line a fact, names in angle brackets.</summary>
    private static List<string> MetadataOf(string path)
    {
        using var file = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(file).GetAwaiter().GetResult();
        try
        {
            var meta = reader.Metadata!;
            var lines = new List<string> { $"rows {meta.NumRows} version {meta.Version} by {meta.CreatedBy}" };
            lines.AddRange(meta.Schema.Select(e => $"schema <{e.Name}> {e.Type} {e.TypeLength} {e.RepetitionType} {e.NumChildren} {e.ConvertedType} {e.Scale} {e.Precision} {e.FieldId} {Json(e.LogicalType)}"));
            foreach (var group in meta.RowGroups)
            {
                lines.Add($"group {group.NumRows} {group.TotalByteSize} {group.FileOffset} {group.TotalCompressedSize} {group.Ordinal}");
                foreach (var chunk in group.Columns)
                {
                    var m = chunk.MetaData!;
                    lines.Add($"chunk {string.Join('.', m.PathInSchema.Select(p => $"<{p}>"))} {m.Type} {m.Codec} {m.NumValues} " +
                        $"{m.TotalUncompressedSize} {m.TotalCompressedSize} {m.DataPageOffset} {m.DictionaryPageOffset} {m.IndexPageOffset} " +
                        $"{string.Join(',', m.Encodings)} {Json(m.Statistics)} {chunk.FileOffset} {chunk.OffsetIndexOffset} {chunk.ColumnIndexOffset}");
                }
            }

            lines.AddRange((meta.KeyValueMetadata ?? new()).Select(kv => kv.Key is "ARROW:schema" or "pandas" ? $"kv {kv.Key}" : $"kv {kv.Key}={kv.Value}"));
            return lines;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string Json(object? value) => value is null ? "-" : System.Text.Json.JsonSerializer.Serialize(value, value.GetType());
}
