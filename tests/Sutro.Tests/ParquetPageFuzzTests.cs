using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Random mutations of the page bytes (headers, levels, values; the footer is left alone) of gzip files from
/// the conformance corpus, whose page bodies gzip's own CRC-32 guards: every mutated file must end in time with its
/// rows unchanged or with a ResultDecodeException, never another exception, a hang or rows that differ.
/// Files without such a guard (uncompressed, Snappy, zstd without checksums) can change values silently when a
/// value's own bytes change, so there the mutations must only end in time, as the footer's rows or an error.
/// Deterministic: a fixed seed and a bounded count.
/// </summary>
public class ParquetPageFuzzTests : IDisposable
{
    private const int Mutations = 200;

    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-parquet-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("duckdb.v1.gzip.parquet", 20261206)]
    [InlineData("arrowrs.v1.gzip.parquet", 7)]
    public async Task MutatedPagesFailByNameOrReadTheSameRows(string file, int seed)
    {
        int failed = await Fuzz(file, seed, sameRows: true);

        // Most mutations hit a page and must be caught; a few fall where nothing is read (statistics, padding).
        Assert.InRange(failed, Mutations * 3 / 4, Mutations);
    }

    [Theory]
    [InlineData("duckdb.v2.uncompressed.parquet", 11)]
    [InlineData("arrowrs.v1.uncompressed.parquet", 12)]
    [InlineData("arrowrs.v2.delta.parquet", 13)]
    [InlineData("arrowrs.v2.bytestreamsplit.parquet", 14)]
    [InlineData("arrowrs.v2.zstd.pages.parquet", 15)]
    [InlineData("parquetjs.v2.snappy.parquet", 16)]
    public async Task MutatedUnguardedPagesFailByNameOrReadEveryRow(string file, int seed)
    {
        int failed = await Fuzz(file, seed, sameRows: false);
        Assert.InRange(failed, Mutations / 4, Mutations);
    }

    /// <summary>
    /// Files of other writers (tests/fixtures/parquet-testing; each read with its first column as the outputs): those
    /// whose pages carry a CRC-32 or are gzip must read the same rows or fail by name; the rest, every row or fail.
    /// </summary>
    [Theory]
    [InlineData("datapage_v1-snappy-compressed-checksum.parquet", "a", 21, true)]
    [InlineData("plain-dict-uncompressed-checksum.parquet", "long_field", 22, true)]
    [InlineData("rle-dict-snappy-checksum.parquet", "long_field", 23, true)]
    [InlineData("byte_stream_split_extended.gzip.parquet", "float16_plain", 24, true)]
    [InlineData("alltypes_tiny_pages.parquet", "id", 25, false)]
    [InlineData("nested_maps.snappy.parquet", "a", 26, false)]
    [InlineData("nullable.impala.parquet", "id", 27, false)]
    [InlineData("delta_encoding_optional_column.parquet", "c_customer_sk", 28, false)]
    [InlineData("hadoop_lz4_compressed_larger.parquet", "a", 29, false)]
    [InlineData("repeated_no_annotation.parquet", "id", 30, false)]
    public async Task MutatedPagesOfOtherWritersFailByNameOrReadTheirRows(string file, string outputs, int seed, bool guarded)
    {
        int failed = await Fuzz(file, seed, guarded, "parquet-testing", outputs);
        // Seeded: 116 to 200 of the 200 mutations of each file end in an error by name.
        Assert.InRange(failed, Mutations / 2, Mutations);
    }

    private async Task<int> Fuzz(string file, int seed, bool sameRows, string folder = "conformance", string outputs = "job_x")
    {
        byte[] original = File.ReadAllBytes(Canonical.FixturePath(folder, file));
        List<string> expected = ValueDump.Rows(Canonical.FixturePath(folder, file), outputs);
        int footerStart = original.Length - 8 - BitConverter.ToInt32(original, original.Length - 8);
        var random = new Random(seed);
        int failed = 0;
        var problems = new List<string>();
        for (int m = 0; m < Mutations && problems.Count < 5; m++)
        {
            byte[] bytes = (byte[])original.Clone();
            var changed = new List<string>();
            int count = random.Next(1, 4);
            for (int k = 0; k < count; k++)
            {
                int at = random.Next(4, footerStart);
                byte flip = (byte)random.Next(1, 256);
                bytes[at] ^= flip;
                changed.Add($"{at}^{flip:x2}");
            }

            string path = Path.Combine(_dir, $"m{m}.parquet");
            File.WriteAllBytes(path, bytes);
            var read = Task.Run(() => ValueDump.Rows(path, outputs));
            string what = $"mutation {m} ({string.Join(", ", changed)})";
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))) != read)
            {
                problems.Add($"{what}: no end after 30 s");
                continue;
            }

            List<string> rows;
            try
            {
                rows = await read;
            }
            catch (ResultDecodeException)
            {
                failed++;
                continue;
            }
            catch (Exception ex)
            {
                problems.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            if (!sameRows)
            {
                if (rows.Count != expected.Count)
                {
                    problems.Add($"{what}: {rows.Count} rows read without an error where the file has {expected.Count}");
                }

                continue;
            }

            if (!rows.SequenceEqual(expected))
            {
                int first = Enumerable.Range(0, Math.Min(rows.Count, expected.Count)).FirstOrDefault(i => rows[i] != expected[i], -1);
                problems.Add($"{what}: {rows.Count} rows read without an error, row {first} differs");
            }
        }

        Assert.Empty(problems);
        return failed;
    }
}
