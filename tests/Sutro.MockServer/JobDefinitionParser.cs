using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Sutro.MockServer;

/// <summary>Builds a <see cref="JobDefinition"/> from the control API's JSON. Throws <see cref="FormatException"/> on bad input.</summary>
public static class JobDefinitionParser
{
    public static JobDefinition Parse(JsonElement e, string? fixturesDir)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException("job definition must be a JSON object");
        string jobId = Str(e, "job_id") ?? throw new FormatException("job_id is required");
        if (jobId.Length == 0) throw new FormatException("job_id must not be empty");

        FixtureFiles? fixtures = null;
        if (Get(e, "fixtures") is { ValueKind: JsonValueKind.Object } fx)
            fixtures = new FixtureFiles(Str(fx, "json"), Str(fx, "csv"), Str(fx, "parquet"));

        FixtureFiles? resultsFiles = null;
        if (Get(e, "results_files") is { ValueKind: JsonValueKind.Object } rf)
            resultsFiles = ResultsFiles(rf);

        IReadOnlyList<ResultRow> rows;
        (long, long)? tokens = null;
        if (Get(e, "rows") is { ValueKind: JsonValueKind.Array } rowsElement)
            rows = ParseRows(rowsElement);
        else if (Get(e, "num_rows") is { ValueKind: JsonValueKind.Number } numRows)
        {
            // Rows the job reports but the mock never materialises (its results come from results_files).
            int n = numRows.TryGetInt32(out int count) && count >= 0 ? count : throw new FormatException("num_rows must be a whole number >= 0");
            rows = new GeneratedRows(n, 200, 400);
            tokens = (n * 50L, n * 100L);
        }
        else if (fixtures?.Json is string jsonFixture && fixturesDir is not null
                 && File.Exists(FixtureRows.Resolve(fixturesDir, jsonFixture)))
            rows = FixtureRows.Load(FixtureRows.Resolve(fixturesDir, jsonFixture));
        else
            rows = Array.Empty<ResultRow>();

        var statuses = new List<string>();
        if (Get(e, "statuses") is { ValueKind: JsonValueKind.Array } st)
        {
            foreach (JsonElement s in st.EnumerateArray())
                statuses.Add(s.GetString() ?? throw new FormatException("statuses must be strings"));
        }
        if (statuses.Count == 0) statuses.Add("SUCCEEDED");

        ExtraColumn? idColumn = null;
        if (Get(e, "id_column") is { ValueKind: JsonValueKind.Object } idc)
        {
            string name = Str(idc, "name") ?? throw new FormatException("id_column.name is required");
            idColumn = Column(name, Get(idc, "values"), rows.Count);
        }
        var extras = new List<ExtraColumn>();
        if (Get(e, "extra_columns") is { ValueKind: JsonValueKind.Object } ec)
        {
            foreach (JsonProperty p in ec.EnumerateObject())
                extras.Add(Column(p.Name, p.Value, rows.Count));
        }

        return new JobDefinition
        {
            JobId = jobId,
            Name = Str(e, "name") ?? jobId,
            Model = Str(e, "model") ?? "llama-3.1-8b",
            Description = Str(e, "description"),
            SystemPrompt = Str(e, "system_prompt"),
            JobPriority = Get(e, "job_priority") is { ValueKind: JsonValueKind.Number } pr ? pr.GetInt32() : 0,
            // An explicit null stays null (a job the service lists without a creation time).
            DatetimeCreated = Get(e, "datetime_created") is { ValueKind: JsonValueKind.Null }
                ? null : Str(e, "datetime_created") ?? "2026-11-20T10:00:00Z",
            RunType = Str(e, "run_type") ?? "FULL",
            JsonSchema = Raw(e, "json_schema"),
            Statuses = statuses,
            FailureReason = Raw(e, "failure_reason"),
            Rows = rows,
            IdColumn = idColumn,
            ExtraColumns = extras,
            Fixtures = fixtures,
            ResultsFiles = resultsFiles,
            TokenOverride = tokens,
            ResultsNotReadyTimes = Get(e, "results_not_ready_times") is { ValueKind: JsonValueKind.Number } nr ? nr.GetInt32() : 0,
            ResultsBodies = Bodies(Get(e, "results_body_base64")),
            ResultsContentTypes = ContentTypes(Get(e, "results_content_type")),
        };
    }

    private static List<ResultRow> ParseRows(JsonElement array)
    {
        var rows = new List<ResultRow>();
        foreach (JsonElement r in array.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object) throw new FormatException("each row must be an object");
            double? logprob = Get(r, "logprob") is { ValueKind: JsonValueKind.Number } lp ? lp.GetDouble() : null;
            rows.Add(new ResultRow(Str(r, "input"), Str(r, "output"), logprob));
        }
        return rows;
    }

    private static ExtraColumn Column(string name, JsonElement? values, int rowCount)
    {
        if (values is not { ValueKind: JsonValueKind.Array } arr) throw new FormatException($"column {name}: values must be an array");
        var list = new List<object?>();
        foreach (JsonElement v in arr.EnumerateArray())
        {
            list.Add(v.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number when v.TryGetInt64(out long l) => l,
                JsonValueKind.Number => v.GetDouble(),
                _ => throw new FormatException($"column {name}: values must be numbers, strings or null"),
            });
        }
        if (list.Count != rowCount) throw new FormatException($"column {name}: {list.Count} values for {rowCount} rows");
        return new ExtraColumn(name, list);
    }

    private static FixtureFiles ResultsFiles(JsonElement files)
    {
        string? Existing(string name)
        {
            string? path = Str(files, name);
            if (path is null) return null;
            if (!Path.IsPathRooted(path)) throw new FormatException($"results_files.{name} must be an absolute path");
            if (!File.Exists(path)) throw new FormatException($"results_files.{name}: no such file {path}");
            return path;
        }
        return new FixtureFiles(Existing("json"), Existing("csv"), Existing("parquet"));
    }

    private static Dictionary<ResultFormat, byte[]>? Bodies(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } obj) return null;
        var map = new Dictionary<ResultFormat, byte[]>();
        foreach (JsonProperty p in obj.EnumerateObject())
            map[FormatOf(p.Name)] = Convert.FromBase64String(p.Value.GetString() ?? "");
        return map;
    }

    private static Dictionary<ResultFormat, string>? ContentTypes(JsonElement? e)
    {
        var map = new Dictionary<ResultFormat, string>();
        if (e is { ValueKind: JsonValueKind.String } s)
        {
            foreach (ResultFormat f in Enum.GetValues<ResultFormat>()) map[f] = s.GetString()!;
        }
        else if (e is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (JsonProperty p in obj.EnumerateObject()) map[FormatOf(p.Name)] = p.Value.GetString() ?? "";
        }
        return map.Count == 0 ? null : map;
    }

    private static ResultFormat FormatOf(string name) =>
        QueryFlags.TryParseFormat(name, out ResultFormat f) ? f : throw new FormatException($"unknown format {name}");

    private static JsonElement? Get(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? v : null;

    private static string? Str(JsonElement e, string name) => Get(e, name) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        null or { ValueKind: JsonValueKind.Null } => null,
        _ => throw new FormatException($"{name} must be a string or null"),
    };

    private static string? Raw(JsonElement e, string name) =>
        Get(e, name) is { ValueKind: not JsonValueKind.Null } v ? v.GetRawText() : null;
}
