using System;

namespace Sutro.Results;

/// <summary>The wire formats of the results endpoint.</summary>
public enum ResultFormat
{
    Parquet,
    Csv,
    Json,
}

internal static class ResultFormatNames
{
    /// <summary>The value sent as <c>result_format</c> and <c>format</c>.</summary>
    public static string ToWire(this ResultFormat format) => format switch
    {
        ResultFormat.Parquet => "parquet",
        ResultFormat.Csv => "csv",
        ResultFormat.Json => "json",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
