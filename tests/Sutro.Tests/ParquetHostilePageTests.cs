using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Page headers and footers that lie: each fails with ResultDecodeFailed's own words (never a foreign exception, an
/// allocation of what the header claims, or a row that is not in the file).
/// </summary>
public class ParquetHostilePageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-parquet-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An uncompressed file of one required text column 'outputs'; its data page header starts at byte 4.</summary>
    private async Task<byte[]> WriteAsync(params string[] values)
    {
        string path = Path.Combine(_dir, "source.parquet");
        var field = new DataField<string>("outputs", false);
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), file, new ParquetOptions { CompressionMethod = CompressionMethod.None }))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(field, values);
        }

        return File.ReadAllBytes(path);
    }

    private (List<string?> Rows, string Error) Fail(byte[] bytes)
    {
        string path = Path.Combine(_dir, "case.parquet");
        File.WriteAllBytes(path, bytes);
        var rows = new List<string?>();
        var ex = Assert.Throws<ResultDecodeException>(() =>
        {
            using var decoder = ResultDecoders.Open(path, null, new[] { "job_x" }, CancellationToken.None);
            foreach (var batch in decoder.ReadBatches(CancellationToken.None))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    rows.Add((string?)batch.Outputs[i]);
                }
            }
        });
        return (rows, ex.Message);
    }

    private static byte[] ZigZag(long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
        return bytes.ToArray();
    }

    /// <summary>Replaces the i32 page header field <paramref name="field"/> (1 type, 2 inflated size, 3 size) at byte 4.</summary>
    private static byte[] PatchHeader(byte[] bytes, int field, long value)
    {
        // The header starts 0x15 <type> 0x15 <inflated> 0x15 <size>: three i32 fields, each a delta-1 header byte.
        int at = 4;
        for (int f = 1; f < field; f++)
        {
            Assert.Equal(0x15, bytes[at]);
            at++;
            while ((bytes[at] & 0x80) != 0)
            {
                at++;
            }

            at++;
        }

        Assert.Equal(0x15, bytes[at]);
        int end = at + 1;
        while ((bytes[end] & 0x80) != 0)
        {
            end++;
        }

        byte[] encoded = ZigZag(value);
        // A value of another width moves the page body; the header is refused before the body is read.
        return bytes[..(at + 1)].Concat(encoded).Concat(bytes[(end + 1)..]).ToArray();
    }

    [Fact]
    public async Task AnUnknownPageTypeFailsByName()
    {
        byte[] bytes = PatchHeader(await WriteAsync("a", "b"), 1, 5);
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.Equal("The Parquet column 'outputs' could not be read: a page has the unknown page type 5 (row 0).", error);
    }

    [Fact]
    public async Task AHugeDeclaredInflatedSizeFailsBeforeAnyAllocation()
    {
        byte[] source = await WriteAsync("a", "b");
        byte[] bytes = PatchHeader(PatchHeader(source, 2, 1 << 30), 3, 1 << 30);
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.StartsWith("The Parquet column 'outputs' could not be read: a page declares 1073741824 bytes", error);
        Assert.EndsWith("(row 0).", error);
    }

    [Fact]
    public async Task APageSizeBeyondItsChunkFails()
    {
        byte[] source = await WriteAsync("hello", "world");
        int size = ReadHeaderField(source, 3);
        byte[] bytes = PatchHeader(PatchHeader(source, 2, size + 40), 3, size + 40);
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.Matches(@"^The Parquet column 'outputs' could not be read: a page declares \d+ bytes but its column chunk has \d+ left \(row 0\)\.$", error);
    }

    [Fact]
    public async Task APageSmallerThanItsValuesFailsAtTheRowItStopped()
    {
        byte[] source = await WriteAsync("hello", "world");
        int size = ReadHeaderField(source, 3);
        byte[] bytes = PatchHeader(PatchHeader(source, 2, size - 3), 3, size - 3);
        var (rows, error) = Fail(bytes);
        Assert.Equal(new[] { "hello" }, rows);
        Assert.StartsWith("The Parquet column 'outputs' could not be read: a value runs past the end of its page", error);
        Assert.EndsWith("(row 1).", error);
    }

    /// <summary>
    /// Five values, and the footer's row counts (file and row group) changed: raised to six, or lowered to none (a row
    /// group of no rows is not read, its chunks may sit at offset 0, unless its chunks claim values).
    /// </summary>
    [Theory]
    [InlineData(6)]
    [InlineData(0)]
    public async Task AFooterWhoseRowCountIsNotItsValueCountFailsBeforeAnyRow(long claimed)
    {
        byte[] source = await WriteAsync("a", "b", "c", "d", "e");
        byte[] bytes = PatchFooterI64(source, 5, claimed, columnToo: false);
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.Equal($"The Parquet column 'outputs' could not be read: the column chunk holds 5 values but the footer claims {claimed} rows (row 0).", error);
    }

    [Fact]
    public async Task AMillionPhantomRowsInATinyFileFail()
    {
        // The row counts and the column's value count all claim 1,000,000; the page holds five values.
        byte[] source = await WriteAsync("a", "b", "c", "d", "e");
        byte[] bytes = PatchFooterI64(source, 5, 1_000_000, columnToo: true);
        var (rows, error) = Fail(bytes);
        Assert.True(rows.Count <= 5);
        Assert.Matches("^The Parquet column 'outputs' could not be read: a page claims 5 values where|the column chunk ends after 5 values but the footer claims 1000000 rows", error);
    }

    private static int ReadHeaderField(byte[] bytes, int field)
    {
        int at = 4;
        for (int f = 1; f < field; f++)
        {
            at++;
            while ((bytes[at] & 0x80) != 0)
            {
                at++;
            }

            at++;
        }

        at++;
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            v |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return (int)((long)(v >> 1) ^ -(long)(v & 1));
    }

    /// <summary>
    /// Rewrites the footer's i64 fields equal to <paramref name="from"/> that are row counts (FileMetaData.num_rows
    /// and RowGroup.num_rows, and with <paramref name="columnToo"/> ColumnMetaData.num_values) to <paramref name="to"/>.
    /// </summary>
    private static byte[] PatchFooterI64(byte[] bytes, long from, long to, bool columnToo)
    {
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        int footerStart = bytes.Length - 8 - footerLength;
        byte[] footer = bytes[footerStart..(bytes.Length - 8)];
        byte[] pattern = new byte[] { 0x16 }.Concat(ZigZag(from)).ToArray();
        var hits = new List<int>();
        for (int i = 0; i + pattern.Length <= footer.Length; i++)
        {
            if (footer.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                hits.Add(i);
            }
        }

        // In order: the file's num_rows, the column's num_values, the row group's num_rows.
        Assert.Equal(3, hits.Count);
        var chosen = columnToo ? hits : new List<int> { hits[0], hits[2] };
        var rebuilt = new List<byte>();
        int last = 0;
        foreach (int hit in chosen)
        {
            rebuilt.AddRange(footer[last..hit]);
            rebuilt.Add(0x16);
            rebuilt.AddRange(ZigZag(to));
            last = hit + pattern.Length;
        }

        rebuilt.AddRange(footer[last..]);
        var output = new List<byte>(bytes[..footerStart]);
        output.AddRange(rebuilt);
        output.AddRange(BitConverter.GetBytes(rebuilt.Count));
        output.AddRange("PAR1"u8.ToArray());
        return output.ToArray();
    }

    /// <summary>Where the first page header's i32 field 3 (its compressed size) ends, starting at <paramref name="at"/>.</summary>
    private static int AfterSizes(byte[] bytes, int at)
    {
        for (int f = 1; f <= 3; f++)
        {
            Assert.Equal(0x15, bytes[at]);
            at++;
            while ((bytes[at] & 0x80) != 0)
            {
                at++;
            }

            at++;
        }

        return at;
    }

    /// <summary>
    /// Adds a CRC-32 (field 4) to the data page header at byte 4 of a file whose one column chunk is that page, and
    /// grows the chunk's sizes in the footer to match.
    /// </summary>
    private static byte[] WithCrc(byte[] bytes, Func<uint, uint> crc)
    {
        int at = AfterSizes(bytes, 4);
        int size = ReadHeaderField(bytes, 3);
        long chunk = bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8) - 4;
        int bodyStart = 4 + (int)(chunk - size); // the chunk is this one page: its header, then its body
        Assert.Equal(0x20, bytes[at] & 0xF0); // the next field is field 5, two ids on from field 3
        uint value = crc(System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(bodyStart, size)));
        byte[] field = new byte[] { 0x15 }.Concat(ZigZag(unchecked((int)value))).Append((byte)(0x10 | (bytes[at] & 0x0F))).ToArray();
        byte[] grown = bytes[..at].Concat(field).Concat(bytes[(at + 1)..]).ToArray();
        int added = field.Length - 1;
        return PatchFooterSizes(grown, chunk, chunk + added);
    }

    /// <summary>Rewrites every i64 footer field of delta 1 equal to <paramref name="from"/> (the chunk's two sizes).</summary>
    private static byte[] PatchFooterSizes(byte[] bytes, long from, long to)
    {
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        int footerStart = bytes.Length - 8 - footerLength;
        byte[] footer = bytes[footerStart..(bytes.Length - 8)];
        byte[] pattern = new byte[] { 0x16 }.Concat(ZigZag(from)).ToArray();
        var rebuilt = new List<byte>();
        int hits = 0;
        for (int i = 0; i < footer.Length; i++)
        {
            if (i + pattern.Length <= footer.Length && footer.AsSpan(i, pattern.Length).SequenceEqual(pattern))
            {
                rebuilt.Add(0x16);
                rebuilt.AddRange(ZigZag(to));
                i += pattern.Length - 1;
                hits++;
            }
            else
            {
                rebuilt.Add(footer[i]);
            }
        }

        Assert.True(hits >= 2, $"the footer holds the chunk size {from} {hits} times");
        var output = new List<byte>(bytes[..footerStart]);
        output.AddRange(rebuilt);
        output.AddRange(BitConverter.GetBytes(rebuilt.Count));
        output.AddRange("PAR1"u8.ToArray());
        return output.ToArray();
    }

    private List<string?> ReadAll(byte[] bytes)
    {
        string path = Path.Combine(_dir, "good.parquet");
        File.WriteAllBytes(path, bytes);
        var rows = new List<string?>();
        using var decoder = ResultDecoders.Open(path, null, new[] { "job_x" }, CancellationToken.None);
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                rows.Add((string?)batch.Outputs[i]);
            }
        }

        return rows;
    }

    [Fact]
    public async Task APageWhoseCrcMatchesReadsAndOneWhoseCrcDiffersFails()
    {
        byte[] source = await WriteAsync("hello", "world", "");
        Assert.Equal(new[] { "hello", "world", "" }, ReadAll(WithCrc(source, crc => crc)));

        var (rows, error) = Fail(WithCrc(source, crc => crc ^ 1));
        Assert.Empty(rows);
        Assert.Equal("The Parquet column 'outputs' could not be read: a page's bytes do not match the CRC-32 its header carries (row 0).", error);
    }

    [Fact]
    public async Task ADictionaryIndexBeyondTheDictionaryFails()
    {
        // DuckDB's column 'small' (i % 100) is a dictionary page and indices; its dictionary page header is made to
        // claim one entry fewer (same width), so the last index points past the dictionary.
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("conformance", "duckdb.v1.uncompressed.parquet"));
        long offset;
        using (var stream = new MemoryStream(bytes))
        await using (var reader = await ParquetReader.CreateAsync(stream))
        {
            var column = reader.Metadata!.RowGroups[0].Columns.Single(c => c.MetaData!.PathInSchema.SequenceEqual(new[] { "small" }));
            // DuckDB leaves dictionary_page_offset out: the dictionary page is the chunk's first page.
            offset = column.MetaData!.DictionaryPageOffset ?? column.MetaData.DataPageOffset;
        }

        Assert.Equal(new byte[] { 0x15, 0x04 }, bytes[(int)offset..((int)offset + 2)]); // page type 2: a dictionary

        int at = AfterSizes(bytes, (int)offset);
        Assert.Equal(0x4C, bytes[at]); // field 7, the dictionary page header, four ids on from field 3
        Assert.Equal(0x15, bytes[at + 1]); // its field 1, num_values
        int entries = 0;
        int shift = 0;
        int end = at + 2;
        for (; ; end++, shift += 7)
        {
            entries |= (bytes[end] & 0x7F) << shift;
            if ((bytes[end] & 0x80) == 0)
            {
                break;
            }
        }

        entries = (entries >> 1) ^ -(entries & 1);
        byte[] fewer = ZigZag(entries - 1);
        Assert.Equal(end - at - 1, fewer.Length);
        fewer.CopyTo(bytes, at + 2);
        var (rows, error) = Fail(bytes);
        Assert.Equal(100, entries);
        Assert.Matches($@"^The Parquet column 'small' could not be read: a page refers to dictionary entry {entries - 1} of a dictionary of {entries - 1} \(row {rows.Count}\)\.$", error);
        var expected = JsonNode.Parse(File.ReadAllText(Canonical.FixturePath("conformance", "duckdb.v1.uncompressed.json")))!["rows"]!.AsArray();
        Assert.Equal(expected.Take(rows.Count).Select(r => (string?)r!["outputs"]), rows);
    }

    [Fact]
    public async Task AnEncryptedFileIsRefusedByName()
    {
        // Parquet modular encryption with an encrypted footer ends in 'PARE' instead of 'PAR1'.
        byte[] bytes = await WriteAsync("a", "b");
        "PARE"u8.ToArray().CopyTo(bytes, bytes.Length - 4);
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.Equal("The Parquet results are encrypted (Parquet modular encryption, 'PARE' footer), which this module cannot read: ask for the results without encryption.", error);
    }

    [Fact]
    public async Task AnUnknownCodecIsRefusedBeforeAnyRow()
    {
        // ColumnMetaData: path_in_schema ['outputs'] (a list of one binary), then codec (field 4) UNCOMPRESSED,
        // rewritten to LZO (3), which the module cannot inflate.
        byte[] bytes = await WriteAsync("a", "b");
        byte[] pattern = new byte[] { 0x18, 0x07 }.Concat("outputs"u8.ToArray()).Concat(new byte[] { 0x15, 0x00 }).ToArray();
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.True(at > 0);
        Assert.Equal(-1, bytes.AsSpan(at + 1).IndexOf(pattern));
        bytes[at + pattern.Length - 1] = ZigZag(3)[0];
        var (rows, error) = Fail(bytes);
        Assert.Empty(rows);
        Assert.Equal("The Parquet column 'outputs' uses the compression codec LZO, which this module cannot read (row group 0).", error);
    }

    [Fact]
    public async Task AStructsFieldsThatDisagreeOnTheListsItemsFail()
    {
        // A list of structs {a, b}: in row 0 field a's levels give two items and field b's one.
        string path = Path.Combine(_dir, "pairs.parquet");
        var outputs = new DataField<string>("outputs", true);
        var a = new DataField<int>("a", true);
        var b = new DataField<int>("b", true);
        var schema = new ParquetSchema(outputs, new ListField("pairs", new StructField("element", a, b)));
        Assert.Equal(1, a.MaxRepetitionLevel);
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(schema, file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(outputs, new[] { "x", "y" });
            await group.WriteAllPartsAsync<int>(a, new[] { 1, 2, 3 },
                new[] { a.MaxDefinitionLevel, a.MaxDefinitionLevel, a.MaxDefinitionLevel }, new[] { 0, 1, 0 }, CancellationToken.None);
            await group.WriteAllPartsAsync<int>(b, new[] { 1, 3 },
                new[] { b.MaxDefinitionLevel, b.MaxDefinitionLevel }, new[] { 0, 0 }, CancellationToken.None);
        }

        var (rows, error) = Fail(File.ReadAllBytes(path));
        Assert.Empty(rows);
        Assert.Equal("The Parquet column 'pairs' could not be read: the fields of 'pairs' disagree on its number of items (2 and 1) (row 0).", error);
    }
}
