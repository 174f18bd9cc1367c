using System;
using Sutro.Results;

namespace Sutro.Export;

/// <summary>What a saved results file holds: the server's file as sent, or the CSV taken out of its ZIP.</summary>
public enum ResultFileKind
{
    /// <summary>The Parquet file, as sent (<c>.parquet</c>).</summary>
    Parquet,

    /// <summary>The JSON body, as sent (<c>.json</c>).</summary>
    Json,

    /// <summary>The server's ZIP holding one CSV, as sent (<c>.zip</c>).</summary>
    ZippedCsv,

    /// <summary>The CSV inside the server's ZIP, byte for byte (<c>.csv</c>).</summary>
    Csv,
}

internal static class ResultFileKinds
{
    /// <summary>The wire format downloaded to produce a file of this kind.</summary>
    public static ResultFormat Format(this ResultFileKind kind) => kind switch
    {
        ResultFileKind.Parquet => ResultFormat.Parquet,
        ResultFileKind.Json => ResultFormat.Json,
        _ => ResultFormat.Csv,
    };

    public static string Extension(this ResultFileKind kind) => ResultExtensions.For(kind.Format(), kind == ResultFileKind.ZippedCsv);

    /// <summary>The kind a file name's extension names, or null for any other extension.</summary>
    public static ResultFileKind? FromExtension(string extension) => ResultExtensions.Of("x" + extension) switch
    {
        { Format: ResultFormat.Parquet } => ResultFileKind.Parquet,
        { Format: ResultFormat.Json } => ResultFileKind.Json,
        { Zipped: true } => ResultFileKind.ZippedCsv,
        { } => ResultFileKind.Csv,
        null => null,
    };

    /// <summary>The kind written into a folder for a format: CSV results become a plain .csv there.</summary>
    public static ResultFileKind ForFormat(ResultFormat format) => format switch
    {
        ResultFormat.Parquet => ResultFileKind.Parquet,
        ResultFormat.Json => ResultFileKind.Json,
        ResultFormat.Csv => ResultFileKind.Csv,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
