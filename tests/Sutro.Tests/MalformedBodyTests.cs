using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>Malformed bodies fail in the validation pass, before any row, with the module's own error.</summary>
public class MalformedBodyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    internal static byte[] Zip(params (string Name, byte[] Data)[] entries) => Zip(CompressionLevel.Optimal, entries);

    internal static byte[] Zip(CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(data);
            }
        }

        return ms.ToArray();
    }

    private static string Fail(string path, ResultFormat? format = null, string jobId = "job_x")
    {
        var ex = Assert.Throws<ResultDecodeException>(() =>
        {
            using var decoder = ResultDecoders.Open(path, format, new[] { jobId }, CancellationToken.None);
        });
        return ex.Message;
    }

    [Fact]
    public void ADecodeFailureIsAModuleErrorWithItsIdAndCategory()
    {
        string path = Write("cut.json", Utf8("{\"outputs\": [\"a\", "));
        var ex = Assert.Throws<ResultDecodeException>(() =>
        {
            using var decoder = ResultDecoders.Open(path, ResultFormat.Json, new[] { "job_x" }, CancellationToken.None);
        });
        SutroException known = ex;
        Assert.Equal(ErrorIds.ResultDecodeFailed, known.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, known.Category);
        var record = Sutro.Commands.SutroCmdlet.Record(ex, "job_x");
        Assert.Equal("ResultDecodeFailed", record.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, record.CategoryInfo.Category);
        Assert.Same(ex, record.Exception);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "malformed")]
    [InlineData("{\"outputs\": [\"a\", ", "malformed")]
    [InlineData("{\"outputs\": [\"a\"]} xyz", "malformed")]
    [InlineData("{\"outputs\": [\"a\"]} {}", "malformed")]
    [InlineData("{\"outputs\": [\"a\", \"b\"], \"inputs\": [\"x\"]}", "differ in length")]
    [InlineData("{\"detail\": \"Job abc is still RUNNING\"}", "Job abc is still RUNNING")]
    [InlineData("{\"results\": {\"message\": \"nothing here\"}}", "instead of results: nothing here")]
    [InlineData("{\"results\": {\"inputs\": []}}", "no 'outputs' array")]
    [InlineData("{\"outputs\": [\"a\"], \"cumulative_logprobs\": [\"x\"]}", "'cumulative_logprobs'[0] is a string")]
    [InlineData("{\"outputs\": [\"a\"], \"outputs\": [\"b\"]}", "twice")]
    [InlineData("[\"a\"]", "must be an object")]
    [InlineData("{\"outputs\": [\"\\ud800\"], \"cumulative_logprobs\": [1e400]}", "out of range")]
    [InlineData("{\"outputs\": [\"\\x\"]}", "malformed")]
    public void JsonBodiesFail(string body, string message)
    {
        Assert.Contains(message, Fail(Write("body.json", Utf8(body)), ResultFormat.Json));
    }

    [Fact]
    public void JsonWithInvalidUtf8Fails()
    {
        byte[] body = Utf8("{\"outputs\": [\"ok\", \"bad X\"]}");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        Assert.Contains("UTF-8", Fail(Write("body.json", body), ResultFormat.Json));
    }

    [Theory]
    [InlineData("bad \\u00e9 X")]
    [InlineData("X \\ud83d\\ude80")]
    [InlineData("\\\"quoted\\\" X\\n")]
    public void JsonWithInvalidUtf8BesideEscapesFailsBeforeAnyRow(string escaped)
    {
        // The first pass validates the raw bytes of an escaped string; the invalid byte is refused at open, with the
        // string's offset (byte 19: after {"outputs": ["ok", ).
        byte[] body = Utf8("{\"outputs\": [\"ok\", \"" + escaped + "\"]}");
        body[Array.IndexOf(body, (byte)'X')] = 0xC3;
        Assert.Equal("The JSON holds invalid UTF-8 in the string at byte 19.", Fail(Write("body.json", body), ResultFormat.Json));
    }

    [Fact]
    public void JsonEscapedTextAndALoneSurrogateOpenAndReadExactly()
    {
        string path = Write("ok.json", Utf8("{\"outputs\": [\"caf\\u00e9 \\ud83d\\ude80 \\\"q\\\"\", \"lone \\ud800 end\", \"Zürich\"]}"));
        using var decoder = ResultDecoders.Open(path, ResultFormat.Json, new[] { "job_x" }, CancellationToken.None);
        var outputs = decoder.ReadBatches(CancellationToken.None).SelectMany(b => b.Outputs.Take(b.Count)).ToArray();
        Assert.Equal(new object?[] { "café 🚀 \"q\"", "lone \ud800 end", "Zürich" }, outputs);
    }

    [Fact]
    public void TruncatedJsonFixtureFails()
    {
        byte[] full = File.ReadAllBytes(Canonical.FixturePath("valid", "nasty.json"));
        for (int cut = 1; cut < full.Length; cut += full.Length / 37)
        {
            Assert.Contains("malformed", Fail(Write("cut.json", full[..cut]), ResultFormat.Json));
        }
    }

    [Fact]
    public void ZipWithNoEntryFails() =>
        Assert.Contains("holds no file", Fail(Write("r.zip", Zip()), ResultFormat.Csv));

    [Fact]
    public void ZipWithTwoEntriesFails() =>
        Assert.Contains("holds 2 files", Fail(Write("r.zip", Zip(("a.csv", Utf8("job_x\na\n")), ("b.csv", Utf8("job_x\nb\n")))), ResultFormat.Csv));

    [Fact]
    public void TruncatedZipFails()
    {
        byte[] full = File.ReadAllBytes(Canonical.FixturePath("valid", "small.csv.zip"));
        Assert.Contains("not a readable ZIP", Fail(Write("r.zip", full[..(full.Length / 2)]), ResultFormat.Csv));
    }

    [Fact]
    public void ZipCrcMismatchFails()
    {
        byte[] csv = Utf8("job_x\nhello world\n");
        byte[] zip = Zip(CompressionLevel.NoCompression, ("r.csv", csv));
        int at = IndexOf(zip, Utf8("hello world"));
        Assert.True(at > 0, "stored data not found; the entry was compressed");
        zip[at] = (byte)'j';
        Assert.Contains("checksum", Fail(Write("r.zip", zip), ResultFormat.Csv), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("inputs,job_x\na,\"unterminated\n", "badly quoted")]
    [InlineData("inputs,job_x\n\"a\"b\",c\n", "CSV")]
    [InlineData("inputs,job_x\na,b,c\n", "could not be read")]
    [InlineData("inputs,other,more\na,b,c\n", "no outputs column")]
    [InlineData("inputs,job_x,cumulative_logprobs\na,b,abc\n", "not a number")]
    [InlineData("inputs,job_x,cumulative_logprobs\na,b,\"1,5\"\n", "not a number")]
    [InlineData("", "empty")]
    public void CsvBodiesFail(string csv, string message)
    {
        Assert.Contains(message, Fail(Write("r.zip", Zip(("job_x.csv", Utf8(csv)))), ResultFormat.Csv));
    }

    [Fact]
    public void CsvWithInvalidUtf8Fails()
    {
        byte[] csv = Utf8("job_x\nfine\nbad X\n");
        csv[Array.LastIndexOf(csv, (byte)'X')] = 0xC3;
        Assert.Contains("UTF-8", Fail(Write("r.zip", Zip(("job_x.csv", csv))), ResultFormat.Csv));
    }

    [Fact]
    public void CsvZipBombIsRefused()
    {
        // 300 MB of one repeated row compresses to well under 1 MB.
        var csv = new MemoryStream();
        csv.Write(Utf8("job_x\n"));
        byte[] row = Utf8(new string('a', 1023) + "\n");
        for (int i = 0; i < 300 * 1024; i++)
        {
            csv.Write(row);
        }

        byte[] zip = Zip(("job_x.csv", csv.ToArray()));
        Assert.True(zip.Length < 2 * 1024 * 1024);
        Assert.Contains("ZIP bomb", Fail(Write("bomb.zip", zip), ResultFormat.Csv));
    }

    [Fact]
    public void ZipEntryClaimingAHugeSizeFails()
    {
        byte[] zip = Zip(("job_x.csv", Utf8("job_x\nhello\n")));
        // Patch the uncompressed size in the local header (offset 22) and the central directory entry
        // (offset 24 of the "PK\x01\x02" record) to claim 4 GB.
        BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(zip, 22);
        int central = IndexOf(zip, new byte[] { 0x50, 0x4B, 0x01, 0x02 });
        BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(zip, central + 24);
        Assert.Contains("ZIP", Fail(Write("huge.zip", zip), ResultFormat.Csv));
    }

    [Fact]
    public void CsvHeaderLineOfMegabytesFails()
    {
        string header = string.Join(",", Enumerable.Range(0, 200_000).Select(i => "column_" + i)) + ",job_x\n";
        Assert.Contains("header row is longer", Fail(Write("r.zip", Zip(("job_x.csv", Utf8(header + string.Concat(Enumerable.Repeat("a,", 200_000)) + "b\n")))), ResultFormat.Csv));
    }

    [Fact]
    public void TruncatedParquetFails()
    {
        byte[] full = File.ReadAllBytes(Canonical.FixturePath("valid", "nasty.polars.zstd.parquet"));
        Assert.Contains("Parquet", Fail(Write("r.parquet", full[..(full.Length / 2)]), ResultFormat.Parquet));
        Assert.Contains("Parquet", Fail(Write("r.parquet", full[..(full.Length - 1)]), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetWithCorruptFooterFails()
    {
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("valid", "small.polars.zstd.parquet"));
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        for (int i = bytes.Length - 8 - footerLength; i < bytes.Length - 8; i++)
        {
            bytes[i] = 0xEE;
        }

        Assert.Contains("Parquet", Fail(Write("r.parquet", bytes), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetFooterLengthBeyondTheFileFails()
    {
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("valid", "small.polars.zstd.parquet"));
        BitConverter.GetBytes(int.MaxValue - 16).CopyTo(bytes, bytes.Length - 8);
        Assert.Contains("Parquet", Fail(Write("r.parquet", bytes), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetWithADamagedColumnOffsetFails()
    {
        // Found by the fuzz test: a dictionary_page_offset beyond the end made Parquet.Net spin forever.
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("valid", "nasty.polars.zstd.parquet"));
        bytes[4189] = 224;
        Assert.Contains("The Parquet footer", Fail(Write("r.parquet", bytes), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetFooterThatRunsPastItsLengthFails()
    {
        // Found by the fuzz test: a damaged STOP byte made Parquet.Net read past the footer forever.
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("valid", "outputs_only.duckdb.zstd.jobcol.parquet"));
        bytes[320] = 10;
        Assert.Contains("footer", Fail(Write("r.parquet", bytes), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetRowGroupClaimingBillionsOfRowsFails()
    {
        byte[] bytes = File.ReadAllBytes(Canonical.FixturePath("valid", "small.polars.zstd.parquet"));
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footer = bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength);
        // In this fixture, footer bytes 403-404 are row_groups[0].num_rows: header 0x16 (field +1, i64)
        // and zigzag(5) = 0x0a.
        const int at = 403;
        Assert.Equal(new byte[] { 0x16, 0x0a }, footer.Slice(at, 2).ToArray());
        // Replace the 1-byte varint 0x0a by a 5-byte varint of zigzag(2^31): keep the length by
        // rebuilding the footer.
        var rebuilt = new MemoryStream();
        rebuilt.Write(bytes, 0, bytes.Length - 8 - footerLength);
        rebuilt.Write(footer[..(at + 1)]);
        rebuilt.Write(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 });
        rebuilt.Write(footer[(at + 2)..]);
        rebuilt.Write(BitConverter.GetBytes(footerLength + 4));
        rebuilt.Write("PAR1"u8);
        Assert.Contains("claims 2147483648 rows", Fail(Write("r.parquet", rebuilt.ToArray()), ResultFormat.Parquet));
    }

    [Fact]
    public void ParquetWithoutOutputColumnFails()
    {
        // Two text columns, neither named after the job, 'outputs' or 'inference_result': no way to tell which.
        string path = Canonical.FixturePath("valid", "twotext.duckdb.parquet");
        Assert.Equal(
            "The Parquet results have no outputs column: expected one named 'job_other' or 'outputs' or 'inference_result', or a single text column besides 'inputs' and 'cumulative_logprobs'; found 'alpha', 'beta'. Pass -JobId to name the job whose id the outputs column carries.",
            Fail(path, ResultFormat.Parquet, jobId: "job_other"));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
