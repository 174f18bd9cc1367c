using System;
using System.Collections.Generic;
using System.Threading;

namespace Sutro.MockServer;

/// <summary>One result row. Input, output and logprob may each be null.</summary>
public sealed record ResultRow(string? Input, string? Output, double? Logprob);

public enum ColumnKind { Long, Double, String }

/// <summary>An extra result column (the id column or e.g. confidence_score): one value per row, long/double/string/null.</summary>
public sealed record ExtraColumn(string Name, IReadOnlyList<object?> Values)
{
    public ColumnKind Kind { get; } = KindOf(Values);

    private static ColumnKind KindOf(IReadOnlyList<object?> values)
    {
        var kind = ColumnKind.Long;
        foreach (object? v in values)
        {
            if (v is string) return ColumnKind.String;
            if (v is double) kind = ColumnKind.Double;
        }
        return kind;
    }
}

/// <summary>Fixture files (names relative to the fixtures folder, or absolute) served byte for byte per format.</summary>
public sealed record FixtureFiles(string? Json, string? Csv, string? Parquet)
{
    public string? For(ResultFormat format) => format switch
    {
        ResultFormat.Json => Json,
        ResultFormat.Csv => Csv,
        _ => Parquet,
    };
}

public enum ResultFormat { Json, Csv, Parquet }

/// <summary>
/// A job, defined once and served by every endpoint in every format. Immutable; <see cref="Version"/> is unique per
/// instance and keys the generated-results cache.
/// </summary>
public sealed class JobDefinition
{
    private static long s_versions;

    public required string JobId { get; init; }
    public string? Name { get; init; }
    public string Model { get; init; } = "llama-3.1-8b";
    public string? Description { get; init; }
    public string? SystemPrompt { get; init; }
    public int JobPriority { get; init; }
    /// <summary>ISO-8601 UTC; null for a job listed without a creation time.</summary>
    public string? DatetimeCreated { get; init; } = "2026-11-20T10:00:00Z";
    public string RunType { get; init; } = "FULL";
    /// <summary>Raw JSON text of the schema, or null.</summary>
    public string? JsonSchema { get; init; }
    public IReadOnlyList<string> Statuses { get; init; } = new[] { "SUCCEEDED" };
    /// <summary>Raw JSON text of the failure reason object, or null.</summary>
    public string? FailureReason { get; init; }
    public IReadOnlyList<ResultRow> Rows { get; init; } = Array.Empty<ResultRow>();
    public ExtraColumn? IdColumn { get; init; }
    public IReadOnlyList<ExtraColumn> ExtraColumns { get; init; } = Array.Empty<ExtraColumn>();
    public FixtureFiles? Fixtures { get; init; }
    /// <summary>Result files on disk (absolute paths), streamed per request and never loaded whole: large results.</summary>
    public FixtureFiles? ResultsFiles { get; init; }
    public int ResultsNotReadyTimes { get; init; }
    /// <summary>Arbitrary bodies per format (possibly malformed), served instead of anything else.</summary>
    public IReadOnlyDictionary<ResultFormat, byte[]>? ResultsBodies { get; init; }
    public IReadOnlyDictionary<ResultFormat, string>? ResultsContentTypes { get; init; }
    /// <summary>Raw JSON text of the sampling parameters, or null.</summary>
    public string? SamplingParams { get; init; }
    /// <summary>The estimated cost of a dry run, in USD, reported once it has succeeded.</summary>
    public double? CostEstimate { get; init; }
    /// <summary>Approximate token counts for huge generated jobs (avoids generating the rows to count them).</summary>
    public (long Input, long Output)? TokenOverride { get; init; }

    public long Version { get; } = Interlocked.Increment(ref s_versions);

    /// <summary>The id column (if any) followed by the extra columns, in output order.</summary>
    public IReadOnlyList<ExtraColumn> AllExtraColumns()
    {
        if (IdColumn is null) return ExtraColumns;
        var all = new List<ExtraColumn>(ExtraColumns.Count + 1) { IdColumn };
        all.AddRange(ExtraColumns);
        return all;
    }
}
