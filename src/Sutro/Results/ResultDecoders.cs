using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace Sutro.Results;

/// <summary>Recognises a results file's format from its first bytes and opens the matching decoder.</summary>
public static class ResultDecoders
{
    /// <summary>
    /// The format a file's content shows: Parquet magic, a ZIP signature, or JSON's first
    /// character; null when the content shows none of them (a bare CSV, or garbage).
    /// </summary>
    public static ResultFormat? Sniff(string path, out bool zipped)
    {
        zipped = false;
        Span<byte> head = stackalloc byte[64];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..read];
        if (head.StartsWith("PAR1"u8))
        {
            return ResultFormat.Parquet;
        }

        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
        {
            zipped = true;
            return ResultFormat.Csv;
        }

        if (head.StartsWith("\xEF\xBB\xBF"u8))
        {
            head = head[3..];
        }

        foreach (byte b in head)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[' ? ResultFormat.Json : null;
        }

        return null;
    }

    /// <summary>
    /// Validates and opens a results file. The content decides the format where it can
    /// (<see cref="Sniff"/>); otherwise <paramref name="expected"/> does, and a bare CSV is the last
    /// resort. <paramref name="outputColumnNames"/> are the names the outputs column may carry
    /// besides <c>outputs</c> (the job id).
    /// </summary>
    public static IResultDecoder Open(string path, ResultFormat? expected, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length == 0)
        {
            throw new ResultDecodeException("The results body is empty (0 bytes).");
        }

        ResultFormat? sniffed = Sniff(path, out bool zipped);
        ResultFormat format = sniffed ?? expected ?? ResultFormat.Csv;
        if (sniffed is null && expected == ResultFormat.Csv)
        {
            // The endpoint always zips CSV; a bare CSV only comes from a .csv file on disk.
            zipped = !path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        }

        return format switch
        {
            ResultFormat.Json => JsonResultDecoder.Open(path, cancellationToken),
            ResultFormat.Csv => CsvResultDecoder.Open(path, zipped, outputColumnNames, cancellationToken),
            _ => ParquetResultDecoder.Open(path, outputColumnNames, cancellationToken),
        };
    }
}
