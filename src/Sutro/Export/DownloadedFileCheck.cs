using System;
using System.IO;
using Sutro.Results;

namespace Sutro.Export;

/// <summary>
/// A cheap look at a downloaded file before it replaces anything: a Parquet file starts and ends with
/// <c>PAR1</c>, a JSON body starts like JSON, the zipped CSV is a ZIP. It catches an error page served
/// with status 200 without reading the whole file again.
/// </summary>
internal static class DownloadedFileCheck
{
    public static void Require(string path, ResultFileKind kind)
    {
        if (new FileInfo(path).Length == 0)
        {
            throw new ResultDecodeException("The results body is empty (0 bytes).");
        }

        ResultFormat? sniffed = ResultDecoders.Sniff(path, out bool zipped);
        bool ok = kind switch
        {
            ResultFileKind.Parquet => sniffed == ResultFormat.Parquet && EndsWithParquetMagic(path),
            ResultFileKind.Json => sniffed == ResultFormat.Json,
            ResultFileKind.ZippedCsv => zipped,
            _ => true,
        };
        if (!ok)
        {
            string what = kind switch
            {
                ResultFileKind.Parquet => "a complete Parquet file",
                ResultFileKind.Json => "JSON",
                _ => "a ZIP archive",
            };
            throw new ResultDecodeException($"The server's answer is not {what}, so it was not saved. Try again, or ask for another -Format.");
        }
    }

    private static bool EndsWithParquetMagic(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length < 8)
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(tail);
        return tail.SequenceEqual("PAR1"u8);
    }
}
