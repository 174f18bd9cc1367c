using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using Sutro.Export;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>Where and how Export-SutroJobResult writes: destinations, staged files, the CSV taken out of its ZIP, partial downloads.</summary>
public class ExportFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-export-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [Theory]
    [InlineData("r.parquet", null, ResultFileKind.Parquet)]
    [InlineData("r.PARQUET", ResultFormat.Parquet, ResultFileKind.Parquet)]
    [InlineData("r.json", null, ResultFileKind.Json)]
    [InlineData("r.zip", ResultFormat.Csv, ResultFileKind.ZippedCsv)]
    [InlineData("r.csv", null, ResultFileKind.Csv)]
    [InlineData("r.csv", ResultFormat.Csv, ResultFileKind.Csv)]
    public void AFileNamesItsKind(string name, ResultFormat? format, ResultFileKind kind)
    {
        var destination = ExportDestination.Create(In(name), namesFolder: false, format);
        Assert.False(destination.IsFolder);
        Assert.Equal(kind, destination.Kind);
        Assert.Equal(In(name), destination.FileFor("job_1"));
    }

    [Theory]
    [InlineData("r.json", ResultFormat.Csv, "FormatMismatch")]
    [InlineData("r.zip", ResultFormat.Parquet, "FormatMismatch")]
    [InlineData("r.csv", ResultFormat.Json, "FormatMismatch")]
    [InlineData("r.txt", null, "UnknownFileExtension")]
    [InlineData("r", ResultFormat.Json, "UnknownFileExtension")]
    [InlineData("missing/r.json", null, "OutputFolderNotFound")]
    public void AFileThatCannotBeWrittenAsAskedIsRefused(string name, ResultFormat? format, string errorId)
    {
        var ex = Assert.Throws<ExportException>(() => ExportDestination.Create(In(name), namesFolder: false, format));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Theory]
    [InlineData(null, "job_1.parquet")]
    [InlineData(ResultFormat.Parquet, "job_1.parquet")]
    [InlineData(ResultFormat.Json, "job_1.json")]
    [InlineData(ResultFormat.Csv, "job_1.csv")]
    public void AFolderGetsOneFileAJobNamedAfterIt(ResultFormat? format, string expected)
    {
        var destination = ExportDestination.Create(_dir, namesFolder: true, format);
        Assert.True(destination.IsFolder);
        Assert.Equal(In(expected), destination.FileFor("job_1"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../job")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    public void AJobIdThatIsNoFileNameIsRefusedInAFolder(string jobId)
    {
        var destination = ExportDestination.Create(_dir, namesFolder: false, null);
        var ex = Assert.Throws<ExportException>(() => destination.FileFor(jobId));
        Assert.Equal("JobIdNotAFileName", ex.ErrorId);
    }

    [Fact]
    public void AMissingFolderWrittenWithATrailingSeparatorIsRefused()
    {
        var ex = Assert.Throws<ExportException>(() => ExportDestination.Create(In("new") + Path.DirectorySeparatorChar, namesFolder: true, null));
        Assert.Equal("OutputFolderNotFound", ex.ErrorId);
    }

    [Fact]
    public void AStagedFileReplacesTheTargetOnlyWhenCommitted()
    {
        string target = In("out.json");
        File.WriteAllText(target, "old");
        string staged;
        using (var file = new StagedFile(target))
        {
            staged = file.Path;
            Assert.Equal(_dir, Path.GetDirectoryName(staged));
            Assert.StartsWith(".out.json.sutro-", Path.GetFileName(staged));
            using (var stream = file.OpenWrite())
            {
                stream.Write("new"u8);
            }

            var ex = Assert.Throws<ExportException>(() => file.Commit(overwrite: false));
            Assert.Equal("OutputFileExists", ex.ErrorId);
            Assert.Equal("old", File.ReadAllText(target));
        }

        Assert.False(File.Exists(staged));
        Assert.Equal("old", File.ReadAllText(target));

        using (var file = new StagedFile(target))
        {
            using (var stream = file.OpenWrite())
            {
                stream.Write("new"u8);
            }

            file.Commit(overwrite: true);
        }

        Assert.Equal("new", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void TheCsvComesOutOfItsZipByteForByte()
    {
        string zip = Canonical.FixturePath("valid", "nasty.csv.zip");
        byte[] expected;
        using (var archive = ZipFile.OpenRead(zip))
        using (var entry = archive.Entries.Single().Open())
        using (var copy = new MemoryStream())
        {
            entry.CopyTo(copy);
            expected = copy.ToArray();
        }

        using var output = new MemoryStream();
        long copied = ZippedCsvExtractor.ExtractTo(zip, output, CancellationToken.None);
        Assert.Equal(expected.Length, copied);
        Assert.Equal(expected, output.ToArray());
    }

    [Fact]
    public void AZipWithTwoFilesOrABadChecksumIsNotExtracted()
    {
        string two = In("two.zip");
        File.WriteAllBytes(two, MalformedBodyTests.Zip(("a.csv", Encoding.UTF8.GetBytes("outputs\nx\n")), ("b.csv", Encoding.UTF8.GetBytes("outputs\ny\n"))));
        var ex = Assert.Throws<ResultDecodeException>(() => ZippedCsvExtractor.ExtractTo(two, Stream.Null, CancellationToken.None));
        Assert.Contains("2 files", ex.Message);

        // A stored (uncompressed) entry whose bytes no longer match its CRC-32.
        byte[] bytes = MalformedBodyTests.Zip(CompressionLevel.NoCompression, ("job.csv", Encoding.UTF8.GetBytes("outputs\nhello world\n")));
        int at = IndexOf(bytes, Encoding.UTF8.GetBytes("hello"));
        bytes[at] = (byte)'j';
        string bad = In("bad.zip");
        File.WriteAllBytes(bad, bytes);
        ex = Assert.Throws<ResultDecodeException>(() => ZippedCsvExtractor.ExtractTo(bad, Stream.Null, CancellationToken.None));
        Assert.Contains("checksum", ex.Message);
    }

    [Fact]
    public void APartialDownloadResumesOnlyForTheSameJobFlagsAndSize()
    {
        string target = In("r.parquet");
        var partial = new PartialDownload(target);
        var identity = new PartialDownload.Identity("job_1", true, false);
        File.WriteAllBytes(partial.DataPath, new byte[100]);
        partial.SaveState(identity, "\"etag-1\"", 1000);
        Assert.DoesNotContain("http", File.ReadAllText(partial.StatePath));

        Assert.Equal(100, partial.ResumableBytes(identity, 1000, out string? etag));
        Assert.Equal("\"etag-1\"", etag);

        // Other flags: another file, so the leftovers go.
        Assert.Equal(0, partial.ResumableBytes(identity with { IncludeInputs = false }, 1000, out etag));
        Assert.Null(etag);
        Assert.False(File.Exists(partial.DataPath));
        Assert.False(File.Exists(partial.StatePath));

        // Another announced size: the file changed.
        File.WriteAllBytes(partial.DataPath, new byte[100]);
        partial.SaveState(identity, "\"etag-1\"", 1000);
        Assert.Equal(0, partial.ResumableBytes(identity, 999, out _));
        Assert.False(File.Exists(partial.DataPath));

        // Complete leftovers: the last byte is asked for again, so the storage confirms the ETag.
        File.WriteAllBytes(partial.DataPath, new byte[1000]);
        partial.SaveState(identity, "\"etag-1\"", 1000);
        Assert.Equal(999, partial.ResumableBytes(identity, 1000, out _));

        // A damaged state file is no state.
        File.WriteAllText(partial.StatePath, "{not json");
        Assert.Equal(0, partial.ResumableBytes(identity, 1000, out _));
        Assert.False(File.Exists(partial.DataPath));
    }

    [Theory]
    [InlineData("{\"artifact\":{\"size_bytes\":1234},\"urls\":{\"get\":\"https://storage.example/a?sig=x\"}}", 1234L)]
    [InlineData("{\"artifact\":{\"bucket\":\"b\",\"key\":\"k\",\"filename\":\"f.parquet\",\"size_bytes\":7},\"urls\":{\"get\":\"http://127.0.0.1:9/a\",\"head\":\"http://127.0.0.1:9/a\"},\"extra\":1}", 7L)]
    [InlineData("{\"artifact\":{\"size_bytes\":1234}}", null)]
    [InlineData("{\"artifact\":{},\"urls\":{\"get\":\"https://storage.example/a\"}}", null)]
    [InlineData("{\"artifact\":{\"size_bytes\":0},\"urls\":{\"get\":\"https://storage.example/a\"}}", null)]
    [InlineData("{\"artifact\":{\"size_bytes\":5},\"urls\":{\"get\":\"ftp://storage.example/a\"}}", null)]
    [InlineData("{\"artifact\":{\"size_bytes\":5},\"urls\":{\"get\":\"/relative\"}}", null)]
    [InlineData("[]", null)]
    public void AResultsUrlAnswerGivesALinkAndSizeOrNothing(string json, long? size)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var artifact = ResultsArtifact.TryParse(document.RootElement);
        Assert.Equal(size, artifact?.SizeBytes);
    }

    [Theory]
    [InlineData("{\"artifact\":{\"filename\":\"job_1.parquet\",\"size_bytes\":7},\"urls\":{\"get\":\"https://s.example/a%2Fb?sig=ab%2Bc%3D\"},\"expires_in_seconds\":600}",
        "https://s.example/a%2Fb?sig=ab%2Bc%3D", "job_1.parquet", 600L)]
    [InlineData("{\"artifact\":{\"size_bytes\":7},\"urls\":{\"get\":\"https://s.example/x\"}}", "https://s.example/x", null, null)]
    [InlineData("{\"artifact\":{\"filename\":\"\",\"size_bytes\":7},\"urls\":{\"get\":\"https://s.example/x\"},\"expires_in_seconds\":0}",
        "https://s.example/x", null, null)]
    [InlineData("{\"artifact\":{\"filename\":5,\"size_bytes\":7},\"urls\":{\"get\":\"https://s.example/x\"},\"expires_in_seconds\":\"60\"}",
        "https://s.example/x", null, null)]
    public void AResultsUrlAnswerKeepsTheLinkAsSentAndItsNameAndLifetime(string json, string link, string? fileName, long? expires)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var artifact = ResultsArtifact.TryParse(document.RootElement)!;
        Assert.Equal(link, artifact.LinkText);
        Assert.Equal(fileName, artifact.FileName);
        Assert.Equal(expires, artifact.ExpiresInSeconds);
        Assert.Equal(7, artifact.SizeBytes);
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

        throw new InvalidOperationException("not found");
    }
}
