using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Every Parquet column type gives a natural value (files written by DuckDB and polars): decimals, dates and
/// timestamps in UTC, UUIDs, binary, unsigned 64-bit, intervals, lists, structs and maps; list-of-number outputs
/// are [double[]]; the outputs column may also be 'inference_result' or the only text column.
/// </summary>
public class ParquetTypesTests
{
    private static (ParquetResultDecoder Decoder, List<Dictionary<string, object?>> Rows) Read(string file, string jobId = "job_x")
    {
        string path = Path.IsPathRooted(file) ? file : Canonical.FixturePath("valid", file);
        var decoder = (ParquetResultDecoder)ResultDecoders.Open(path, null, new[] { jobId }, CancellationToken.None);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var row = new Dictionary<string, object?> { ["Output"] = batch.Outputs[i] };
                if (decoder.Schema.HasInput)
                {
                    row["Input"] = batch.Inputs[i];
                }

                if (decoder.Schema.HasLogprob)
                {
                    row["Logprob"] = batch.Logprobs[i];
                }

                for (int e = 0; e < decoder.Schema.ExtraColumns.Count; e++)
                {
                    row[decoder.Schema.ExtraColumns[e]] = batch.Extras[e][i];
                }

                rows.Add(row);
            }
        }

        return (decoder, rows);
    }

    [Fact]
    public void FlatTypesOfDuckDbReadPageByPageAsNaturalValues()
    {
        var (decoder, rows) = Read("flattypes.duckdb.parquet");
        using (decoder)
        {
            foreach (string column in new[] { "outputs", "inputs", "cumulative_logprobs", "price", "ts", "u", "b", "big" })
            {
                _ = column;
            }

            Assert.Equal(3, rows.Count);
            var r = rows[0];
            Assert.Equal("out 0", r["Output"]);
            Assert.Equal("in 0", r["Input"]);
            Assert.Equal(-0.5, r["Logprob"]);
            Assert.Equal(1L, r["id"]);
            Assert.Equal(18446744073709551615UL, r["big"]);
            Assert.Equal(12345.67m, r["price"]);
            Assert.Equal("12345.67", ((decimal)r["price"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(123456789012.345678m, r["precise"]);
            Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234560), r["ts"]);
            Assert.Equal(DateTimeKind.Utc, ((DateTime)r["ts"]!).Kind);
            Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), r["d"]);
            Assert.Equal(Guid.Parse("0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7"), r["u"]);
            Assert.Equal(new byte[] { 0x00, 0xFF, (byte)'a', (byte)'b' }, r["b"]);
            Assert.Equal(true, r["flag"]);
            Assert.Equal(3L, r["tiny"]);
            Assert.Equal(40000L, r["usmall"]);
            Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Unspecified), r["tslocal"]);
            Assert.Equal(DateTimeKind.Unspecified, ((DateTime)r["tslocal"]!).Kind);
            Assert.Equal(new TimeSpan(0, 12, 34, 56, 500), r["tod"]);
            Assert.Equal(1.5, r["f"]);

            Assert.All(rows[1].Where(p => p.Key != "Input"), p => Assert.Null(p.Value));
            Assert.Equal("in 1", rows[1]["Input"]);

            r = rows[2];
            Assert.Equal(-7L, r["id"]);
            Assert.Equal(0UL, r["big"]);
            Assert.Equal(-0.01m, r["price"]);
            Assert.Equal(-1.000001m, r["precise"]);
            Assert.Equal(new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc), r["ts"]);
            Assert.Equal(new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc), r["d"]);
            Assert.Equal(Guid.Parse("00000000-0000-0000-0000-000000000001"), r["u"]);
            Assert.Equal(Array.Empty<byte>(), r["b"]);
            Assert.Equal(false, r["flag"]);
            Assert.Equal(-128L, r["tiny"]);
            Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified), r["tslocal"]);
            Assert.Equal(TimeSpan.Zero, r["tod"]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)r["f"]!));
        }
    }

    [Fact]
    public void NestedColumnsOfDuckDbGiveArraysAndOrderedDictionaries()
    {
        var (decoder, rows) = Read("types.duckdb.parquet");
        using (decoder)
        {
            Assert.Equal(3, rows.Count);
            Assert.Equal(new object?[] { "a", "b" }, rows[0]["tags"]);
            var meta = Assert.IsType<OrderedDictionary>(rows[0]["meta"]);
            Assert.Equal(new object?[] { "x", "y" }, meta.Keys.Cast<object?>().ToArray());
            Assert.Equal(1L, meta["x"]);
            Assert.Equal("z", meta["y"]);
            var map = Assert.IsType<OrderedDictionary>(rows[0]["m"]);
            Assert.Equal(new object?[] { "k" }, map.Keys.Cast<object?>().ToArray());
            Assert.Equal(7L, map["k"]);
            Assert.Equal(new object?[] { 1.5, 2.5 }, Assert.IsType<object?[]>(rows[0]["vec"]));

            // Row 1 is all nulls; row 2 (as DuckDB reads it back) has empty lists, an empty map and a struct of nulls.
            Assert.Null(rows[1]["tags"]);
            Assert.Null(rows[1]["meta"]);
            Assert.Null(rows[1]["m"]);
            Assert.Null(rows[1]["vec"]);
            Assert.Empty(Assert.IsType<object?[]>(rows[2]["tags"]));
            Assert.Empty(Assert.IsType<object?[]>(rows[2]["vec"]));
            Assert.Empty(Assert.IsType<OrderedDictionary>(rows[2]["m"]));
            var empty = Assert.IsType<OrderedDictionary>(rows[2]["meta"]);
            Assert.Equal(new object?[] { "x", "y" }, empty.Keys.Cast<object?>().ToArray());
            Assert.Equal(new object?[] { null, null }, empty.Values.Cast<object?>().ToArray());
            Assert.Equal("out 0", rows[0]["Output"]);
            Assert.Equal(12345.67m, rows[0]["price"]);
        }
    }

    [Theory]
    [InlineData("embedding.duckdb.parquet")]
    [InlineData("embedding.polars.parquet")]
    public void ListOfNumbersOutputsAreDoubleArrays(string file)
    {
        var (decoder, rows) = Read(file);
        using (decoder)
        {
            Assert.Equal(new[] { 0.25, -1.5, 3.0 }, Assert.IsType<double[]>(rows[0]["Output"]));
            Assert.Equal("a", rows[0]["Input"]);
            if (file.Contains("duckdb"))
            {
                Assert.Null(rows[1]["Output"]);

                // An empty list is an empty array, not null.
                Assert.Empty(Assert.IsType<double[]>(rows[2]["Output"]));
            }
            else
            {
                Assert.Equal(new[] { 1e-300, 2.0 }, Assert.IsType<double[]>(rows[1]["Output"]));
            }
        }
    }

    [Fact]
    public void InferenceResultIsTheOutputsColumnWhenNoOtherNameMatches()
    {
        var (decoder, rows) = Read("inference.duckdb.parquet");
        using (decoder)
        {
            Assert.Null(decoder.OutputColumnJobId);
            Assert.Equal(new[] { "r0", "r1" }, rows.Select(r => r["Output"]));
            Assert.Equal(new object[] { 7L, 8L }, rows.Select(r => r["row_id"]));
        }
    }

    [Fact]
    public void TheOnlyTextColumnIsTheOutputsColumnWhenNoNameMatches()
    {
        var (decoder, rows) = Read("outputs_only.duckdb.zstd.jobcol.parquet", "job_other");
        using (decoder)
        {
            Assert.Equal("job_outputs_only", decoder.OutputColumnJobId);
            Assert.Equal(6, rows.Count);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task Int96TimestampsReadAsTheWriterReadsThemBack()
    {
        // INT96 (Impala's nanoseconds of the day and Julian day) written and read back by Parquet.Net.
        string dir = Directory.CreateTempSubdirectory("sutro-int96-").FullName;
        try
        {
            string path = Path.Combine(dir, "int96.parquet");
            var outputs = new global::Parquet.Schema.DataField<string>("outputs", true);
            var ts = new global::Parquet.Schema.DateTimeDataField("ts", global::Parquet.Schema.DateTimeFormat.Impala, isNullable: true);
            var written = new DateTime?[]
            {
                new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567), null,
                new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc), new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            };
            await using (var file = File.Create(path))
            await using (var writer = await global::Parquet.ParquetWriter.CreateAsync(new global::Parquet.Schema.ParquetSchema(outputs, ts), file))
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(outputs, new string?[] { "a", "b", null, "d" });
                await group.WriteAsync<DateTime>(ts, new ReadOnlyMemory<DateTime?>(written));
            }

            var back = new DateTime?[written.Length];
            await using (var file = File.OpenRead(path))
            await using (var reader = await global::Parquet.ParquetReader.CreateAsync(file))
            {
                Assert.Equal(global::Parquet.Meta.Type.INT96, reader.Metadata!.Schema[2].Type);
                using var group = reader.OpenRowGroupReader(0);
                await group.ReadAsync<DateTime>(ts, back.AsMemory(), null);
            }

            var (decoder, rows) = Read(path);
            using (decoder)
            {
                Assert.Equal(written.Length, rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    Assert.Equal(back[i]?.Ticks, ((DateTime?)rows[i]["ts"])?.Ticks);
                }

                Assert.Equal(written.Select(w => w?.Ticks), rows.Select(r => ((DateTime?)r["ts"])?.Ticks));
                Assert.Equal(DateTimeKind.Utc, ((DateTime)rows[0]["ts"]!).Kind);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
