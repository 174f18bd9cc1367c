using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Parquet text columns, read as UTF-8 bytes: required (non-nullable) columns, nulls between values, and text
/// that is not UTF-8, which fails naming its row once every row before it has been handed out.
/// </summary>
public class ParquetTextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-parquet-text-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task WriteAsync(string path, DataField<string> outputs, DataField<string>? inputs, params (string?[] Outputs, string?[]? Inputs)[] groups)
    {
        var fields = new List<Field> { outputs };
        if (inputs is not null)
        {
            fields.Add(inputs);
        }

        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, new ParquetOptions { CompressionMethod = CompressionMethod.None });
        foreach (var (groupOutputs, groupInputs) in groups)
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(outputs, groupOutputs!);
            if (inputs is not null)
            {
                await group.WriteAsync(inputs, groupInputs!);
            }
        }
    }

    private static List<(string? Input, string? Output)> ReadAll(string path, List<(string? Input, string? Output)>? seen = null)
    {
        seen ??= new List<(string? Input, string? Output)>();
        using var decoder = ResultDecoders.Open(path, null, new[] { "job_x" }, CancellationToken.None);
        foreach (var batch in BatchPrefetcher.Prefetch(decoder, CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                seen.Add((decoder.Schema.HasInput ? (string?)batch.Inputs[i] : null, (string?)batch.Outputs[i]));
            }
        }

        return seen;
    }

    [Fact]
    public async Task RequiredColumnsDecodeEveryValue()
    {
        string path = Path.Combine(_dir, "required.parquet");
        await WriteAsync(path, new DataField<string>("outputs", false), new DataField<string>("inputs", false),
            (new[] { "a", string.Empty, "résumé 🚀" }, new[] { "x", "y\r\nz", " " }),
            (new[] { "last" }, new[] { "w" }));

        Assert.Equal(
            new List<(string?, string?)> { ("x", "a"), ("y\r\nz", string.Empty), (" ", "résumé 🚀"), ("w", "last") },
            ReadAll(path));
    }

    [Fact]
    public async Task NullsBetweenValuesStayInTheirRows()
    {
        string path = Path.Combine(_dir, "nulls.parquet");
        await WriteAsync(path, new DataField<string>("outputs", true), new DataField<string>("inputs", true),
            (new[] { null, "b", null, "d" }, new[] { "w", null, null, "z" }));

        Assert.Equal(
            new List<(string?, string?)> { ("w", null), (null, "b"), (null, null), ("z", "d") },
            ReadAll(path));
    }

    [Fact]
    public async Task TextThatIsNotUtf8FailsAtItsRowAfterEveryRowBeforeIt()
    {
        string path = Path.Combine(_dir, "bad.parquet");
        await WriteAsync(path, new DataField<string>("outputs", true), null,
            (new[] { "good 0", "good 1" }, null),
            (new[] { "fine 2", "bad X" }, null));

        // Uncompressed, so the text is in the file as written: turn the X into a byte UTF-8 never has.
        byte[] bytes = File.ReadAllBytes(path);
        byte[] marker = Encoding.UTF8.GetBytes("bad X");
        int patched = 0;
        for (int at = bytes.AsSpan().IndexOf(marker); at >= 0; at = bytes.AsSpan().IndexOf(marker))
        {
            bytes[at + 4] = 0xFF;
            patched++;
        }

        Assert.True(patched >= 1);
        File.WriteAllBytes(path, bytes);

        var seen = new List<(string? Input, string? Output)>();
        var ex = Assert.Throws<ResultDecodeException>(() => ReadAll(path, seen));
        Assert.Equal("The Parquet column 'outputs' holds text that is not valid UTF-8 (row 3).", ex.Message);
        Assert.Equal(new List<(string?, string?)> { (null, "good 0"), (null, "good 1"), (null, "fine 2") }, seen);
    }
}
