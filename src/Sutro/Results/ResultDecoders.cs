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
        // PARE: a Parquet file whose footer is encrypted (Parquet modular encryption).
        if (head.StartsWith("PAR1"u8) || head.StartsWith("PARE"u8))
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
        => Open(path, expected, outputColumnNames, cancellationToken, validated: null);

    /// <summary>
    /// As <see cref="Open(string, ResultFormat?, IReadOnlyList{string}, CancellationToken)"/>, using the first pass
    /// <paramref name="validated"/> ran while the file downloaded when it stands for the file.
    /// </summary>
    public static IResultDecoder Open(string path, ResultFormat? expected, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken, ResultBodyValidator? validated)
    {
        if (validated?.TryOpen(path) is { } streamed)
        {
            return streamed;
        }


        if (new FileInfo(path).Length == 0)
        {
            throw new ResultDecodeException("The results body is empty (0 bytes).");
        }

        ResultFormat? sniffed = Sniff(path, out bool zipped);
        ResultFormat format = sniffed ?? expected ?? ResultFormat.Csv;
        if (sniffed is null && expected == ResultFormat.Csv)
        {
            // The endpoint always zips CSV; a bare CSV only comes from a .csv file on disk.
            zipped = ResultExtensions.Of(path) is not { Zipped: false, Format: ResultFormat.Csv };
        }

        if (sniffed is null && Utf16Json(path))
        {
            format = ResultFormat.Json;
        }

        return format switch
        {
            ResultFormat.Json => JsonResultDecoder.Open(path, outputColumnNames, cancellationToken),
            ResultFormat.Csv => CsvResultDecoder.Open(path, zipped, outputColumnNames, cancellationToken),
            _ => ParquetResultDecoder.Open(path, outputColumnNames, cancellationToken),
        };
    }

    /// <summary>The job id an outputs column named after its job gives, whatever the format.</summary>
    public static string? OutputColumnJobId(IResultDecoder decoder) => decoder switch
    {
        CsvResultDecoder csv => csv.OutputColumnJobId,
        JsonResultDecoder json => json.OutputColumnJobId,
        ParquetResultDecoder parquet => parquet.OutputColumnJobId,
        _ => null,
    };

    /// <summary>A UTF-16 file (byte order mark) whose first character is JSON's: what Windows PowerShell writes.</summary>
    private static bool Utf16Json(string path)
    {
        Span<byte> head = stackalloc byte[256];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..read];
        System.Text.Encoding encoding;
        if (head.StartsWith(stackalloc byte[] { 0xFF, 0xFE }))
        {
            encoding = System.Text.Encoding.Unicode;
        }
        else if (head.StartsWith(stackalloc byte[] { 0xFE, 0xFF }))
        {
            encoding = System.Text.Encoding.BigEndianUnicode;
        }
        else
        {
            return false;
        }

        string text = encoding.GetString(head[2..(2 + ((head.Length - 2) & ~1))]).TrimStart();
        return text.StartsWith('{') || text.StartsWith('[');
    }
}

/// <summary>
/// The one table of results file extensions: which format a file name names, and the name a format is saved under.
/// </summary>
public static class ResultExtensions
{
    /// <summary>Every results extension, with its format and whether the CSV is the server's ZIP.</summary>
    public static readonly IReadOnlyList<(string Extension, ResultFormat Format, bool Zipped)> All = new[]
    {
        (".parquet", ResultFormat.Parquet, false),
        (".json", ResultFormat.Json, false),
        (".zip", ResultFormat.Csv, true),
        (".csv", ResultFormat.Csv, false),
    };

    /// <summary>The format (and zipping) a file name's extension names, or null for any other extension.</summary>
    public static (ResultFormat Format, bool Zipped)? Of(string path)
    {
        string extension = Path.GetExtension(path);
        foreach (var entry in All)
        {
            if (string.Equals(entry.Extension, extension, StringComparison.OrdinalIgnoreCase))
            {
                return (entry.Format, entry.Zipped);
            }
        }

        return null;
    }

    /// <summary>Whether an extension (with its dot) is a results file's.</summary>
    public static bool IsResultExtension(string extension) => Of("x" + extension) is not null;

    /// <summary>The extension of a format's file: <c>.parquet</c>, <c>.json</c>, <c>.zip</c> (zipped CSV) or <c>.csv</c>.</summary>
    public static string For(ResultFormat format, bool zipped)
    {
        foreach (var entry in All)
        {
            if (entry.Format == format && entry.Zipped == zipped)
            {
                return entry.Extension;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(format));
    }
}
