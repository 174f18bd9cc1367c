using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Sutro.Results;

namespace Sutro.Rows;

/// <summary>
/// Turns decoded rows into pipeline objects: a <see cref="JobResultRow"/>, plus note properties
/// for extra columns, a reasoning model's <c>Reasoning</c>, and (with -ExpandOutput) the fields of
/// a structured output. With -Raw the server's output string is kept exactly as sent.
/// </summary>
internal sealed class RowShaper
{
    /// <summary>Prefix for an expanded output field whose name is already taken on the row.</summary>
    public const string ClashPrefix = "Output_";

    private const int MaxWarnings = 10;
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = JsonToPowerShell.MaxDepth };

    private readonly string? _jobId;
    private readonly ResultSchema _schema;
    private readonly bool _raw;
    private readonly bool _expand;
    private readonly Action<string> _warn;
    private readonly string _subject;
    private readonly string[] _taken;
    private readonly IReadOnlyList<string> _extraNames;
    private long _notExpandable;
    private readonly NumberNotes _expandedNumbers = new();

    /// <param name="subject">What warnings name as the rows' source (default: "Job &lt;id&gt;"), e.g. a file name.</param>
    public RowShaper(string? jobId, ResultSchema schema, bool raw, bool expand, Action<string> warn, string? subject = null)
    {
        _jobId = jobId;
        _subject = subject ?? $"Job {jobId}";
        _schema = schema;
        _raw = raw;
        _expand = expand && !raw;
        _warn = warn;
        _extraNames = schema.PropertyNames;
        _taken = [.. PropertyNames.Standard, .. schema.PropertyNames];
        if (schema.Renamed.Count > 0)
        {
            var shown = schema.Renamed.Select(r => r.Column.Length == 0
                ? $"an unnamed column is shown as '{r.Property}'"
                : $"the column '{r.Column}' is shown as '{r.Property}'");
            warn($"{_subject}: {string.Join("; ", shown)} (a row's own properties keep their names and values).");
        }
    }

    public object Shape(ResultBatch batch, int i, long index)
    {
        string? output = batch.Outputs[i] as string;
        object? value = batch.Outputs[i];
        var row = new JobResultRow(
            _jobId,
            index,
            _schema.HasInput ? batch.Inputs[i] : null,
            value,
            _schema.HasLogprob ? batch.Logprobs[i] : null);

        bool interpret = !_raw && output is not null && LooksLikeObject(output) && (_expand || output.Contains("\"reasoning_content\"", StringComparison.Ordinal));
        if (_schema.ExtraColumns.Count == 0 && !interpret && !_expand)
        {
            // The common case: a plain typed row, no PSObject wrapper.
            return row;
        }

        var shaped = Wrap(row);
        var extras = _extraNames;
        for (int c = 0; c < extras.Count; c++)
        {
            shaped.Properties.Add(new PSNoteProperty(extras[c], batch.Extras[c][i]));
        }

        if (!interpret)
        {
            if (_expand)
            {
                NotExpandable(index);
            }

            return shaped;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output!, ParseOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            if (_expand)
            {
                NotExpandable(index, Unreadable);
            }

            return shaped;
        }

        using (document)
        {
            JsonElement fields = document.RootElement;
            if (fields.ValueKind == JsonValueKind.Object
                && fields.TryGetProperty("reasoning_content", out var reasoning)
                && fields.TryGetProperty("content", out var content))
            {
                string? text = content.ValueKind == JsonValueKind.String ? content.GetString() : CompactJson.Write(content);
                row.Output = text;
                shaped.Properties["Output"].Value = text;
                shaped.Properties.Add(new PSNoteProperty("Reasoning", reasoning.ValueKind == JsonValueKind.String ? reasoning.GetString() : null));
                fields = content;
                if (_expand && content.ValueKind == JsonValueKind.String)
                {
                    Expand(shaped, text, index);
                    return shaped;
                }
            }

            if (_expand)
            {
                if (fields.ValueKind == JsonValueKind.Object)
                {
                    AddFields(shaped, fields);
                }
                else
                {
                    NotExpandable(index);
                }
            }
        }

        return shaped;
    }

    /// <summary>
    /// Wraps a row to carry per-job columns. The standard properties are repeated as note properties
    /// first, so every view (Format-Table, Export-Csv) lists them before the job's own columns.
    /// </summary>
    private static PSObject Wrap(JobResultRow row)
    {
        var shaped = PSObject.AsPSObject(row);
        shaped.Properties.Add(new PSNoteProperty("JobId", row.JobId));
        shaped.Properties.Add(new PSNoteProperty("Index", row.Index));
        shaped.Properties.Add(new PSNoteProperty("Input", row.Input));
        shaped.Properties.Add(new PSNoteProperty("Output", row.Output));
        shaped.Properties.Add(new PSNoteProperty("CumulativeLogprob", row.CumulativeLogprob));
        return shaped;
    }

    /// <summary>Reports, once per job, how many outputs could not be expanded beyond those already named.</summary>
    public void Finish()
    {
        if (_expandedNumbers.Warning($"{_subject} (-ExpandOutput)") is { } numbers)
        {
            _warn(numbers);
        }

        if (_notExpandable > MaxWarnings)
        {
            _warn($"{_subject}: {_notExpandable - MaxWarnings} more outputs were not JSON objects and were kept as text.");
        }
    }

    private void Expand(PSObject shaped, string? json, long index)
    {
        if (json is not null && LooksLikeObject(json))
        {
            try
            {
                using var inner = JsonDocument.Parse(json, ParseOptions);
                if (inner.RootElement.ValueKind == JsonValueKind.Object)
                {
                    AddFields(shaped, inner.RootElement);
                    return;
                }
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                NotExpandable(index, Unreadable);
                return;
            }
        }

        NotExpandable(index);
    }

    private void AddFields(PSObject shaped, JsonElement fields)
    {
        // One rule for every name on the row (see PropertyNames): a field named like a property already on the row
        // is prefixed once, then numbered; an unnamed field becomes Column1...
        var names = new PropertyNames(ClashPrefix, _taken);
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in fields.EnumerateObject())
        {
            object? value = JsonToPowerShell.Convert(field.Value, _expandedNumbers, field.Name);
            if (assigned.TryGetValue(field.Name, out string? repeated))
            {
                // A repeated key keeps its last value, as ConvertFrom-Json does.
                shaped.Properties[repeated].Value = value;
                continue;
            }

            string name = names.Assign(field.Name);
            assigned[field.Name] = name;
            shaped.Properties.Add(new PSNoteProperty(name, value));
        }
    }

    private const string NotAnObject = "is not a JSON object";
    private static readonly string Unreadable = $"is not valid JSON, or nests deeper than {JsonToPowerShell.MaxDepth} levels";

    private void NotExpandable(long index, string? why = null)
    {
        _notExpandable++;
        if (_notExpandable <= MaxWarnings)
        {
            _warn($"{_subject}, row {index}: the output {why ?? NotAnObject}, so -ExpandOutput kept it as text.");
        }
    }

    private static bool LooksLikeObject(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return c == '{';
            }
        }

        return false;
    }
}
