using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Results;
using Sutro.Results.Parquet;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Pages larger than the reader inflates whole (Parquet.Net's writer puts a column chunk in one page) are read
/// through an inflating window, in every codec, row group after row group with the same decompression context and
/// pooled buffers, and between them a small group's pages are inflated whole: every row comes back exactly.
/// </summary>
public class ParquetLargePageTests : IDisposable
{
    private static readonly int[] GroupRows = { 4_000, 300, 3_500 };

    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-parquet-large-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // About 800 UTF-8 bytes a row, varied enough that no codec shrinks a page below the whole-page limit's worth of
    // rows: a 4,000-row group's page inflates to more than the limit.
    private static string? Output(int row)
    {
        if (row % 211 == 7)
        {
            return null;
        }

        var random = new Random(row);
        var text = new System.Text.StringBuilder(800);
        text.Append("row ").Append(row).Append(": ");
        while (text.Length < 700)
        {
            text.Append((char)('a' + random.Next(26)));
            if (random.Next(40) == 0)
            {
                text.Append(" 🚀 Zürich, \"q\"\n");
            }
        }

        return text.ToString();
    }

    private static double? Logprob(int row) => row % 97 == 3 ? null : -row / 3.0;

    [Theory]
    [InlineData(CompressionMethod.None)]
    [InlineData(CompressionMethod.Snappy)]
    [InlineData(CompressionMethod.Gzip)]
    [InlineData(CompressionMethod.Brotli)]
    [InlineData(CompressionMethod.Zstd)]
    [InlineData(CompressionMethod.Lz4Raw)]
    public async Task LargePagesOfEveryCodecDecodeEveryRow(CompressionMethod codec)
    {
        string path = Path.Combine(_dir, $"large-{codec}.parquet");
        var outputs = new DataField<string>("outputs", true);
        var logprobs = new DataField<double>("cumulative_logprobs", true);
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(outputs, logprobs), file, new ParquetOptions { CompressionMethod = codec }))
        {
            int start = 0;
            foreach (int rows in GroupRows)
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(outputs, Enumerable.Range(start, rows).Select(Output).ToArray());
                await group.WriteAsync<double>(logprobs, Enumerable.Range(start, rows).Select(Logprob).ToArray());
                start += rows;
            }
        }

        // The first and last groups' outputs pages are over the limit (streamed), the middle one under it (whole).
        using (var stream = File.OpenRead(path))
        await using (var reader = await ParquetReader.CreateAsync(stream))
        {
            var sizes = reader.Metadata!.RowGroups.Select(g => g.Columns[0].MetaData!.TotalUncompressedSize).ToArray();
            Assert.Equal(3, sizes.Length);
            Assert.True(sizes[0] > ParquetColumnCursor.WholePageLimit, $"group 0 inflates to {sizes[0]} bytes");
            Assert.True(sizes[1] < ParquetColumnCursor.WholePageLimit, $"group 1 inflates to {sizes[1]} bytes");
            Assert.True(sizes[2] > ParquetColumnCursor.WholePageLimit, $"group 2 inflates to {sizes[2]} bytes");
        }

        var seen = new List<(string? Output, double? Logprob)>();
        using (var decoder = ResultDecoders.Open(path, null, new[] { "job_large" }, CancellationToken.None))
        {
            foreach (var batch in BatchPrefetcher.Prefetch(decoder, CancellationToken.None))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    seen.Add(((string?)batch.Outputs[i], batch.Logprobs[i]));
                }
            }
        }

        int total = GroupRows.Sum();
        Assert.Equal(total, seen.Count);
        for (int row = 0; row < total; row++)
        {
            Assert.Equal(Output(row), seen[row].Output);
            Assert.Equal(Logprob(row), seen[row].Logprob);
        }
    }
}
