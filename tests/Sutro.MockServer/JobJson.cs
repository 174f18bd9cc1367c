using System;
using System.Globalization;
using System.Text.Json;

namespace Sutro.MockServer;

/// <summary>Writes the job object of <c>jobs/{id}</c> and <c>list-jobs</c>.</summary>
public static class JobJson
{
    public static void Write(Utf8JsonWriter w, JobDefinition def, string status)
    {
        string upper = status.ToUpperInvariant();
        bool started = upper is "RUNNING" or "SUCCEEDED" or "FAILED" or "CANCELLING" or "CANCELLED";
        bool completed = upper is "SUCCEEDED" or "FAILED" or "CANCELLED";
        bool succeeded = upper == "SUCCEEDED";
        DateTimeOffset created = DateTimeOffset.TryParse(def.DatetimeCreated, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out DateTimeOffset c) ? c : new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        (long inputTokens, long outputTokens) = def.TokenOverride ?? CountTokens(def);

        w.WriteStartObject();
        w.WriteString("job_id", def.JobId);
        w.WriteString("name", def.Name);
        w.WriteString("description", def.Description);
        w.WriteString("model", def.Model);
        w.WriteString("system_prompt", def.SystemPrompt);
        w.WriteNumber("job_priority", def.JobPriority);
        w.WriteString("status", status);
        w.WriteString("datetime_created", def.DatetimeCreated);
        WriteDate(w, "datetime_started", started ? created.AddMinutes(2) : null);
        WriteDate(w, "datetime_completed", completed ? created.AddMinutes(2 + 3 + def.Rows.Count / 10_000) : null);
        WriteRaw(w, "json_schema", def.JsonSchema);
        WriteRaw(w, "sampling_params", def.SamplingParams);
        w.WriteNull("dataset_id");
        w.WriteNumber("num_rows", def.Rows.Count);
        WriteNumber(w, "input_tokens", succeeded ? inputTokens : null);
        WriteNumber(w, "output_tokens", succeeded ? outputTokens : null);
        if (succeeded && def.CostEstimate is null) w.WriteNumber("job_cost", Math.Round(inputTokens * 0.00000005 + outputTokens * 0.0000002, 6));
        else w.WriteNull("job_cost");
        if (succeeded && def.CostEstimate is double estimate) w.WriteNumber("cost_estimate", estimate);
        else w.WriteNull("cost_estimate");
        w.WriteString("run_type", def.RunType);
        WriteRaw(w, "failure_reason", def.FailureReason);
        w.WriteNumber("future_field", 1);
        w.WriteEndObject();
    }

    private static (long, long) CountTokens(JobDefinition def)
    {
        long input = 0, output = 0;
        foreach (ResultRow r in def.Rows)
        {
            input += 1 + (r.Input?.Length ?? 0) / 4;
            output += 1 + (r.Output?.Length ?? 0) / 4;
        }
        return (input, output);
    }

    private static void WriteDate(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteNumber(name, value.Value);
    }

    public static void WriteRaw(Utf8JsonWriter w, string name, string? rawJson)
    {
        w.WritePropertyName(name);
        if (rawJson is null) w.WriteNullValue();
        else w.WriteRawValue(rawJson);
    }
}
