using System;
using System.IO;
using System.Linq;
using System.Threading;
using Parquet;
using Sutro.Export;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>Export-SutroJobResult records the job in a saved Parquet file's footer; everything else stays as it was.</summary>
public class ParquetJobStampTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-stamp-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ParquetFixtures()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Canonical.FixturePath("valid"), "*.parquet").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ParquetFixtures))]
    public void TheStampAddsOneKeyAndKeepsTheDataPagesTheMetadataAndTheRows(string fixture)
    {
        string original = Canonical.FixturePath("valid", fixture);
        string copy = Path.Combine(_dir, fixture);
        File.Copy(original, copy);

        Assert.True(ParquetJobStamp.Stamp(copy, "job-\u00e9t\u00e9_1"));
        Assert.True(ParquetJobStamp.Stamp(copy, "job_second"));

        byte[] before = File.ReadAllBytes(original);
        byte[] after = File.ReadAllBytes(copy);
        int data = before.Length - 8 - BitConverter.ToInt32(before, before.Length - 8);
        Assert.True(after.AsSpan(0, data).SequenceEqual(before.AsSpan(0, data)));
        Assert.Equal("PAR1"u8.ToArray(), after[^4..]);

        var was = Metadata(original);
        var now = Metadata(copy);
        var kept = now.KeyValueMetadata!.Where(k => k.Key != ParquetJobStamp.Key).Select(k => (k.Key, k.Value)).ToList();
        Assert.Equal((was.KeyValueMetadata ?? new()).Select(k => (k.Key, k.Value)).ToList(), kept);
        Assert.Equal("job_second", Assert.Single(now.KeyValueMetadata!, k => k.Key == ParquetJobStamp.Key).Value);
        Assert.Equal(was.NumRows, now.NumRows);
        Assert.Equal(was.CreatedBy, now.CreatedBy);
        Assert.Equal(was.Schema.Select(s => (s.Name, s.Type, s.RepetitionType, s.NumChildren)),
            now.Schema.Select(s => (s.Name, s.Type, s.RepetitionType, s.NumChildren)));
        Assert.Equal(was.RowGroups.Select(g => (g.NumRows, g.TotalByteSize, g.Columns.Count)),
            now.RowGroups.Select(g => (g.NumRows, g.TotalByteSize, g.Columns.Count)));
        string outputs = fixture == "twotext.duckdb.parquet" ? "alpha" : "job_x"; // the one file of two text columns
        Assert.Equal(ValueDump.Rows(original, outputs), ValueDump.Rows(copy, outputs));
    }

    [Fact]
    public void TheDecoderGivesTheRecordedJobAndRefusesItForAnotherJob()
    {
        string copy = Path.Combine(_dir, "r.parquet");
        File.Copy(Canonical.FixturePath("valid", "small.polars.zstd.parquet"), copy);
        ParquetJobStamp.Stamp(copy, "job_12345");

        using (var decoder = ResultDecoders.Open(copy, null, new[] { "r" }, CancellationToken.None))
        {
            Assert.Equal("job_12345", ResultDecoders.OutputColumnJobId(decoder));
        }

        var refused = Assert.Throws<ResultDecodeException>(() =>
            ResultDecoders.Open(copy, null, new KnownJobId("job_other"), CancellationToken.None).Dispose());
        Assert.Equal("These results are not those of job 'job_other': the file records job 'job_12345' (sutro.job_id). " +
            "No rows were read. Check the job id; to read a saved file as the job it records, leave out -JobId.", refused.Message);
        using var same = ResultDecoders.Open(copy, null, new KnownJobId("job_12345"), CancellationToken.None);
        Assert.Equal(5, same.RowCount);
    }

    [Fact]
    public void AFileWithAnEncryptedFooterIsLeftAsItIs()
    {
        string path = Path.Combine(_dir, "e.parquet");
        byte[] bytes = "PARE\u0001\u0002\u0003\u0004\u0004\u0000\u0000\u0000PARE"u8.ToArray();
        File.WriteAllBytes(path, bytes);
        Assert.False(ParquetJobStamp.Stamp(path, "job_1"));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    private static Parquet.Meta.FileMetaData Metadata(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return reader.Metadata!;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
