using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Sutro.Jobs;

/// <summary>What <c>job-status/{id}</c> says: the status, and for a failed job why.</summary>
internal sealed record JobStatusAnswer(string Status, string? FailureReason, string? FailureContext);

/// <summary>
/// Reads the API's job answers tolerantly: unknown keys are ignored, any number may be null (or a
/// numeric string), times may be ISO-8601 with or without a zone (UTC assumed) or Unix seconds,
/// statuses may be lower case or old words, and job_status may be a map by id or a bare string.
/// Throws <see cref="FormatException"/> when an answer lacks what it must hold.
/// </summary>
internal static class JobParser
{
    /// <summary>A job object.</summary>
    public static Job ParseJob(JsonElement job)
    {
        if (job.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"a job must be a JSON object, not {job.ValueKind}");
        }

        string jobId = Text(job, "job_id") ?? Text(job, "id") ?? throw new FormatException("the job has no job_id");
        var (reason, context) = Failure(Get(job, "failure_reason"));
        return new Job
        {
            JobId = jobId,
            Name = Text(job, "name"),
            Description = Text(job, "description"),
            Model = Text(job, "model"),
            SystemPrompt = Text(job, "system_prompt"),
            Priority = Integer(Get(job, "job_priority")) is { } p && p is >= int.MinValue and <= int.MaxValue ? (int)p : null,
            Status = JobStatus.Normalize(Text(job, "status")),
            Created = Time(Get(job, "datetime_created")),
            Started = Time(Get(job, "datetime_started")),
            Completed = Time(Get(job, "datetime_completed")),
            JsonSchema = Json(Get(job, "json_schema")),
            SamplingParams = Json(Get(job, "sampling_params")),
            DatasetId = Text(job, "dataset_id"),
            Rows = Integer(Get(job, "num_rows")),
            InputTokens = Integer(Get(job, "input_tokens")),
            OutputTokens = Integer(Get(job, "output_tokens")),
            Cost = Money(Get(job, "job_cost")),
            CostEstimate = Money(Get(job, "cost_estimate")),
            RunType = Text(job, "run_type"),
            FailureReason = reason,
            FailureContext = context,
        };
    }

    /// <summary>The answer of <c>jobs/{id}</c>: <c>{"job": {...}}</c>, or the job object itself.</summary>
    public static Job ParseJobAnswer(JsonElement root)
    {
        if (Get(root, "job") is { ValueKind: JsonValueKind.Object } job)
        {
            return ParseJob(job);
        }

        return ParseJob(root);
    }

    /// <summary>The answer of <c>list-jobs</c>: <c>{"jobs": [...]}</c>, or a bare array. Entries that are not jobs are skipped.</summary>
    public static List<Job> ParseJobList(JsonElement root)
    {
        JsonElement array = root.ValueKind == JsonValueKind.Array
            ? root
            : Get(root, "jobs") is { ValueKind: JsonValueKind.Array } jobs ? jobs : throw new FormatException("the answer holds no 'jobs' array");
        var list = new List<Job>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && (Text(item, "job_id") ?? Text(item, "id")) is not null)
            {
                list.Add(ParseJob(item));
            }
        }

        return list;
    }

    /// <summary>
    /// One page of <c>list-jobs?limit=N</c>: <c>{"jobs": [...], "next_cursor": "..." or null}</c>; an answer
    /// without <c>next_cursor</c> (a server that ignores <c>limit</c>) is the last page.
    /// </summary>
    public static (List<Job> Jobs, string? NextCursor) ParseJobPage(JsonElement root) =>
        (ParseJobList(root), Get(root, "next_cursor") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null);

    /// <summary>
    /// The answer of <c>job-status/{id}</c>: <c>job_status</c> as <c>{"&lt;id&gt;": "RUNNING"}</c> or a bare
    /// string; a failure reason in <c>metadata.failure_reason</c>.
    /// </summary>
    public static JobStatusAnswer ParseStatusAnswer(JsonElement root, string jobId)
    {
        string? word = null;
        switch (Get(root, "job_status"))
        {
            case { ValueKind: JsonValueKind.String } bare:
                word = bare.GetString();
                break;
            case { ValueKind: JsonValueKind.Object } map:
                JsonElement? entry = Get(map, jobId);
                if (entry is null)
                {
                    // Keyed by some other spelling of the id: accept it when it is the only entry.
                    using var properties = map.EnumerateObject();
                    if (properties.MoveNext())
                    {
                        entry = properties.Current.Value;
                        if (properties.MoveNext())
                        {
                            throw new FormatException($"job_status names several jobs but not '{jobId}'");
                        }
                    }
                }

                word = entry is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
                break;
        }

        word ??= Text(root, "status");
        if (word is null)
        {
            throw new FormatException("the answer holds no job_status");
        }

        var failure = Get(root, "metadata") is { ValueKind: JsonValueKind.Object } metadata ? Get(metadata, "failure_reason") : null;
        var (reason, context) = Failure(failure ?? Get(root, "failure_reason"));
        return new JobStatusAnswer(JobStatus.Normalize(word), reason, context);
    }

    /// <summary>
    /// The answer of <c>get-quotas</c>: <c>{"quotas": [{priority, row_quota, token_quota}]}</c>, or a bare array. A
    /// quota without a priority takes its position in the list (the SDK's reading).
    /// </summary>
    public static List<Quota> ParseQuotas(JsonElement root)
    {
        JsonElement array = root.ValueKind == JsonValueKind.Array
            ? root
            : Get(root, "quotas") is { ValueKind: JsonValueKind.Array } quotas ? quotas : throw new FormatException("the answer holds no 'quotas' array");
        var list = new List<Quota>();
        int position = -1;
        foreach (var item in array.EnumerateArray())
        {
            position++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            list.Add(new Quota
            {
                Priority = Integer(Get(item, "priority")) is { } p && p is >= int.MinValue and <= int.MaxValue ? (int)p : position,
                RowQuota = Integer(Get(item, "row_quota")),
                TokenQuota = Integer(Get(item, "token_quota")),
            });
        }

        return list;
    }

    /// <summary>The answer of <c>try-authentication</c>: false only when it says <c>"authenticated": false</c>.</summary>
    public static bool ParseAuthenticated(JsonElement root) =>
        Get(root, "authenticated") is not { ValueKind: JsonValueKind.False };

    private static (string? Reason, string? Context) Failure(JsonElement? failure)
    {
        switch (failure)
        {
            case { ValueKind: JsonValueKind.String } text:
                return (text.GetString(), null);
            case { ValueKind: JsonValueKind.Object } obj:
                string? reason = Text(obj, "message") ?? Text(obj, "reason") ?? Text(obj, "error");
                string? context = Get(obj, "additional_context") is { } extra ? Json(extra) : null;
                return (reason ?? obj.GetRawText(), context);
            default:
                return (null, null);
        }
    }

    private static JsonElement? Get(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    /// <summary>A string (or a number, written as text); null for null, absent or anything else.</summary>
    private static string? Text(JsonElement element, string name) => Get(element, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    /// <summary>Objects and arrays as compact JSON text, strings as they are.</summary>
    private static string? Json(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    private static long? Integer(JsonElement? element)
    {
        switch (element)
        {
            case { ValueKind: JsonValueKind.Number } n:
                if (n.TryGetInt64(out long whole))
                {
                    return whole;
                }

                double d = n.GetDouble();
                return Math.Abs(d) < 9e18 ? (long)Math.Round(d) : null;
            case { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed):
                return parsed;
            case { ValueKind: JsonValueKind.String } s when double.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && Math.Abs(real) < 9e18:
                return (long)Math.Round(real);
            default:
                return null;
        }
    }

    private static decimal? Money(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetDecimal(out decimal value) => value,
        { ValueKind: JsonValueKind.String } s when decimal.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) => value,
        _ => null,
    };

    /// <summary>ISO-8601 text (UTC unless it names a zone) or Unix seconds, as local time.</summary>
    private static DateTime? Time(JsonElement? element)
    {
        switch (element)
        {
            case { ValueKind: JsonValueKind.String } s:
                string text = s.GetString() ?? string.Empty;
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
                {
                    return parsed.UtcDateTime.ToLocalTime();
                }

                return null;
            case { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out double seconds) && seconds is > 0 and < 253402300799:
                return DateTime.UnixEpoch.AddSeconds(seconds).ToLocalTime();
            default:
                return null;
        }
    }
}
