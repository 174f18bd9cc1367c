using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The first pass over a JSON or zipped CSV body runs while the body is written to its file: the complete file then
/// opens from that pass (no second read) with exactly the rows a fresh open gives, and any doubt falls back to it.
/// </summary>
public class StreamingValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes <paramref name="body"/> through a validator in small chunks, as a download would.</summary>
    private ResultBodyValidator Download(byte[] body, ResultFormat format, string path, string jobId, bool complete = true)
    {
        var validator = ResultBodyValidator.Start(format, new[] { jobId }, CancellationToken.None)!;
        using (var file = validator.Wrap(new FileStream(path, FileMode.Create, FileAccess.Write)))
        {
            for (int at = 0; at < body.Length; at += 777)
            {
                file.Write(body, at, Math.Min(777, body.Length - at));
            }
        }

        if (complete)
        {
            validator.Complete();
        }

        return validator;
    }

    private static string Rows(IResultDecoder decoder)
    {
        var builder = new StringBuilder();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                builder.Append(Canonical.Row(decoder.Schema.HasInput ? (string?)batch.Inputs[i] : null, (string?)batch.Outputs[i],
                    decoder.Schema.HasLogprob ? batch.Logprobs[i] : null));
            }
        }

        return builder.ToString();
    }

    [Theory]
    [InlineData("nasty.json", ResultFormat.Json, "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty.jsonl")]
    [InlineData("small.json", ResultFormat.Json, "job_12345", "small.jsonl")]
    [InlineData("nasty.csv.zip", ResultFormat.Csv, "job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f", "nasty.csv.jsonl")]
    [InlineData("structured.csv.zip", ResultFormat.Csv, "job_structured_001", "structured.jsonl")]
    public void AValidatedDownloadOpensFromThePassWithTheSameRows(string fixture, ResultFormat format, string jobId, string expected)
    {
        string path = Path.Combine(_dir, "body");
        using var validator = Download(File.ReadAllBytes(Canonical.FixturePath("valid", fixture)), format, path, jobId);
        using var decoder = validator.TryOpen(path);
        Assert.NotNull(decoder);
        Assert.Equal(File.ReadAllText(Canonical.FixturePath("expected", expected), Encoding.UTF8), Rows(decoder!));

        using var same = ResultDecoders.Open(path, format, new[] { jobId }, CancellationToken.None, validator);
        Assert.Equal(File.ReadAllText(Canonical.FixturePath("expected", expected), Encoding.UTF8), Rows(same));
    }

    [Fact]
    public void ABodyOfManyNetworkReadsOfMixedSizesKeepsEveryByte()
    {
        // 20,000 rows (about 3 MB) written in reads of 1 byte to 300 KiB: the validator's reused copies wrap round
        // many times and a copy larger than the usual read is taken too; the pass must see exactly the file's bytes.
        const int count = 20_000;
        var outputs = Enumerable.Range(0, count).Select(i => $"output {i}: " + new string((char)('a' + i % 26), 50 + i % 97) + " 🚀").ToArray();
        var inputs = Enumerable.Range(0, count).Select(i => $"input {i} " + new string('é', i % 31)).ToArray();
        var logprobs = Enumerable.Range(0, count).Select(i => -i / 7.0).ToArray();
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { outputs, inputs, cumulative_logprobs = logprobs });
        string path = Path.Combine(_dir, "big.json");
        var validator = ResultBodyValidator.Start(ResultFormat.Json, new[] { "job_mixed" }, CancellationToken.None)!;
        int[] sizes = { 1, 777, 128 * 1024, 5, 300 * 1024, 64 * 1024, 128 * 1024 };
        using (var file = validator.Wrap(new FileStream(path, FileMode.Create, FileAccess.Write)))
        {
            int at = 0;
            for (int n = 0; at < body.Length; n++)
            {
                int size = Math.Min(sizes[n % sizes.Length], body.Length - at);
                file.Write(body, at, size);
                at += size;
            }
        }

        validator.Complete();
        using (validator)
        using (var decoder = validator.TryOpen(path))
        {
            Assert.NotNull(decoder);
            Assert.True(validator.Used);
            var expected = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                expected.Append(Canonical.Row(inputs[i], outputs[i], logprobs[i]));
            }

            Assert.Equal(expected.ToString(), Rows(decoder!));
        }
    }

    [Fact]
    public void AnAbandonedOrIncompleteDownloadIsValidatedAnew()
    {
        byte[] body = File.ReadAllBytes(Canonical.FixturePath("valid", "small.json"));
        string path = Path.Combine(_dir, "body.json");
        using (var incomplete = Download(body, ResultFormat.Json, path, "job_12345", complete: false))
        {
            Assert.Null(incomplete.TryOpen(path));
        }

        using (var abandoned = Download(body, ResultFormat.Json, path, "job_12345", complete: false))
        {
            abandoned.Abandon();
            Assert.Null(abandoned.TryOpen(path));
        }

        using (var late = Download(body, ResultFormat.Json, path, "job_12345"))
        {
            // Bytes written after the body was declared complete: the pass cannot stand for the file.
            late.Append(new byte[] { (byte)' ' });
            File.AppendAllText(path, " ");
            Assert.Null(late.TryOpen(path));
        }

        using var changed = Download(body, ResultFormat.Json, path, "job_12345");
        File.AppendAllText(path, " ");
        Assert.Null(changed.TryOpen(path));
    }

    [Theory]
    [InlineData(ResultFormat.Json, "small.json")]
    [InlineData(ResultFormat.Csv, "small.csv.zip")]
    public void BytesAfterTheEndAreRefusedEvenOnceThePassHasFinished(ResultFormat format, string fixture)
    {
        byte[] body = File.ReadAllBytes(Canonical.FixturePath("valid", fixture));
        string path = Path.Combine(_dir, "late-" + fixture);
        using var late = Download(body, format, path, "job_12345");
        // Let the pass read to its end first: then a late byte must still disqualify it.
        for (int i = 0; i < 200 && !late.Finished; i++)
        {
            Thread.Sleep(10);
        }

        Assert.True(late.Finished);
        late.Append(new byte[] { (byte)' ' });
        File.AppendAllText(path, " ");
        Assert.Null(late.TryOpen(path));
    }

    [Fact]
    public void ABodyThePassRefusesGivesTheUsualError()
    {
        string path = Path.Combine(_dir, "bad.json");
        using var validator = Download(Encoding.UTF8.GetBytes("{\"outputs\": [\"a\", \"b\"], \"inputs\": [\"x\"]}"), ResultFormat.Json, path, "job_x");
        Assert.Null(validator.TryOpen(path));
        var ex = Assert.Throws<ResultDecodeException>(() => ResultDecoders.Open(path, ResultFormat.Json, new[] { "job_x" }, CancellationToken.None, validator));
        Assert.Contains("'outputs' has 2 elements but 'inputs' has 1", ex.Message);
    }

    [Fact]
    public void AZipWhoseDirectoryDisagreesWithItsEntryFails()
    {
        byte[] zip = MalformedBodyTests.Zip(("job_x.csv", Encoding.UTF8.GetBytes("inputs,job_x\na,b\n")));

        // The central directory's copy of the CRC-32 (its record starts PK\1\2; the CRC is at offset 16).
        int central = Enumerable.Range(0, zip.Length - 4).First(i => zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 1 && zip[i + 3] == 2);
        zip[central + 16] ^= 0xFF;
        string path = Path.Combine(_dir, "r.zip");
        using var validator = Download(zip, ResultFormat.Csv, path, "job_x");
        var ex = Assert.Throws<ResultDecodeException>(() => validator.TryOpen(path));
        Assert.Contains("CRC-32", ex.Message);
    }

    [Fact]
    public void ParquetHasNoStreamingPass()
    {
        Assert.Null(ResultBodyValidator.Start(ResultFormat.Parquet, new[] { "job_x" }, CancellationToken.None));
    }
}
