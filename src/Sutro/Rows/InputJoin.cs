using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using Sutro.Http;
using Sutro.Results;
using Sutro.Submission;

namespace Sutro.Rows;

/// <summary>
/// Pairs a batch's inputs, held as they came from the pipeline, with the rows of its job's results, for
/// Invoke-SutroBatch and Join-SutroJobResult alike: by position (input i with result row i), or by key (-On: the
/// inputs' property and the results' column of that name). Text inputs come out as the <see cref="JobResultRow"/>s
/// with Input set to the text; object inputs as the same objects with Output and CumulativeLogprob (and the row's own
/// columns, such as expanded output fields) added. Before any row is written, through a <see cref="RowSink"/>, the
/// row count must match the inputs' (ResultRowCountMismatch) and, by key, every key must be once on each side
/// (DuplicateJoinKey) with a row for each input (JoinKeyNotFound); with verification each input's text must be the
/// job's returned input of its row (InputMismatch). The results are streamed: the checks make one pass of their own
/// over the file, and the rows are joined as they are decoded.
/// </summary>
internal sealed class InputJoin
{
    /// <summary>Names a row's output brings; all but Input are added to an object input.</summary>
    private static readonly HashSet<string> RowNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "JobId", "Index", "Input", "Output", "CumulativeLogprob",
    };

    /// <summary>Characters of each text an InputMismatch error shows.</summary>
    private const int ShownChars = 80;

    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly InputMode _mode;
    private readonly string? _on;

    /// <summary>Each input as it came: its text (text inputs) or the object itself.</summary>
    private readonly List<object?> _held = new();

    /// <summary>Each input's text as sent (an object row's JSON, or null when the spool held it).</summary>
    private readonly List<string?> _texts = new();

    /// <summary>Each input's key (-On), as text.</summary>
    private readonly List<string> _keys = new();

    private Dictionary<string, int>? _byKey;

    /// <summary>The property of a result row that holds its key (-On), once the results' columns are known.</summary>
    private string? _keyProperty;

    /// <param name="on">The inputs' property and the results' column to pair by; null to pair by position.</param>
    public InputJoin(InputMode mode, string? on = null)
    {
        _mode = mode;
        _on = on;
    }

    /// <summary>How many inputs are held.</summary>
    public int Count => _held.Count;

    /// <summary>Holds one input, read from <paramref name="input"/> with the <paramref name="text"/> sent for it.</summary>
    public void Add(PSObject? input, string? text)
    {
        if (_on is not null)
        {
            _keys.Add(KeyOf(input, _held.Count + 1));
        }

        _held.Add(_mode == InputMode.Text ? (object?)text : input);
        _texts.Add(text);
    }

    /// <summary>
    /// By key: refuses inputs of which two have the same key (DuplicateJoinKey), before the results are read.
    /// </summary>
    public void CheckInputKeys(string jobId)
    {
        if (_on is null || _byKey is not null)
        {
            return;
        }

        var byKey = new Dictionary<string, int>(_keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < _keys.Count; i++)
        {
            if (!byKey.TryAdd(_keys[i], i))
            {
                throw new SutroApiException(ErrorIds.DuplicateJoinKey, ErrorCategory.InvalidData,
                    $"Inputs {byKey[_keys[i]] + 1} and {i + 1} both have {Quote(_keys[i])} in their property '{_on}', so " +
                    $"the results of job '{jobId}' cannot be paired with them by -On {_on}; no row was written. Give each " +
                    "input a key of its own, or leave out -On to pair them by position.")
                {
                    Data = { ["Key"] = _keys[i] },
                };
            }
        }

        _byKey = byKey;
    }

    /// <summary>
    /// The sink that joins the rows of job <paramref name="jobId"/> with these inputs and writes them to
    /// <paramref name="inner"/>, after the checks (<paramref name="verify"/>: each input against the job's inputs).
    /// </summary>
    /// <param name="reused">Says in errors that the job was found by -IfExists Reuse, not named.</param>
    public RowSink Sink(RowSink inner, string jobId, bool verify, bool reused = false)
    {
        long next = 0;
        return inner with
        {
            Counted = rows => CheckCount(jobId, rows),
            Inspect = verify || _on is not null ? (decoder, token) => Inspect(decoder, jobId, verify, reused, inner.Verbose, token) : null,
            Write = row => inner.Write(Join(row, jobId, next++, inner.Warn)),
        };
    }

    /// <summary>Refuses a results file whose rows do not pair one to one with the inputs, before any row is written.</summary>
    public void CheckCount(string jobId, long rows)
    {
        if (rows != _held.Count)
        {
            throw new SutroApiException(ErrorIds.ResultRowCountMismatch, ErrorCategory.InvalidResult,
                $"Job '{jobId}' has {rows} result rows for {_held.Count} inputs, so its outputs cannot be paired with the " +
                "inputs and none was written. Look at the job with Get-SutroJob " + jobId + " | Format-List, and read " +
                "its rows as they are with Get-SutroJobResult " + jobId + " -IncludeInput.");
        }
    }

    /// <summary>The checks' own pass over the results: keys, then each input against its row's returned input.</summary>
    private void Inspect(IResultDecoder decoder, string jobId, bool verify, bool reused, Action<string> verbose, CancellationToken token)
    {
        int keyColumn = _on is null ? -1 : KeyColumn(decoder.Schema, jobId);
        if (verify && !decoder.Schema.HasInput)
        {
            throw new SutroApiException(ErrorIds.InputMismatch, ErrorCategory.InvalidResult,
                $"The results of job '{jobId}' came without their inputs, so these inputs could not be checked against " +
                "the ones the job ran; no row was written. Try again, or pair them without the check with -NoVerify.");
        }

        CheckInputKeys(jobId);
        long[]? rowOf = keyColumn < 0 ? null : Enumerable.Repeat(-1L, _held.Count).ToArray();
        Dictionary<string, long>? strays = null;
        (long Row, int Input, object? Returned)? mismatch = null;
        long row = 0;
        foreach (var batch in decoder.ReadBatches(token))
        {
            for (int i = 0; i < batch.Count; i++, row++)
            {
                int input = (int)row;
                if (rowOf is not null)
                {
                    string key = KeyText(batch.Extras[keyColumn][i]);
                    if (!_byKey!.TryGetValue(key, out input))
                    {
                        // A key no input has: an input then has no row (JoinKeyNotFound), unless the key repeats.
                        strays ??= new Dictionary<string, long>(StringComparer.Ordinal);
                        if (!strays.TryAdd(key, row))
                        {
                            throw DuplicateResultKey(jobId, key, strays[key], row);
                        }

                        continue;
                    }

                    if (rowOf[input] >= 0)
                    {
                        throw DuplicateResultKey(jobId, key, rowOf[input], row);
                    }

                    rowOf[input] = row;
                }

                if (verify && mismatch is null && !Same(Expected(input), batch.Inputs[i]))
                {
                    mismatch = (row, input, batch.Inputs[i]);
                }
            }

            if (mismatch is not null && rowOf is null)
            {
                break;
            }
        }

        if (rowOf is not null && Array.IndexOf(rowOf, -1L) is var missing and >= 0)
        {
            throw new SutroApiException(ErrorIds.JoinKeyNotFound, ErrorCategory.ObjectNotFound,
                $"Input {missing + 1} has {Quote(_keys[missing])} in its property '{_on}', but no row of the results of " +
                $"job '{jobId}' has it in its column '{_on}', so the inputs cannot be paired with the results; no row " +
                $"was written. Read the job's keys with Get-SutroJobResult {jobId} | Select-Object {_on}.")
            {
                Data = { ["Key"] = _keys[missing] },
            };
        }

        if (mismatch is { } m)
        {
            string given = Show(Expected(m.Input));
            string returned = Show(m.Returned);
            string which = rowOf is null ? $"Row {m.Row}" : $"Row {m.Row} (the key {Quote(_keys[m.Input])}, input {m.Input + 1})";
            string advice = reused
                ? $"Job '{jobId}', found by -IfExists Reuse, ran other inputs: nothing was submitted and no row was written. " +
                    "To run these inputs, give another -Name (or -IfExists Submit); to pair them anyway, add -NoVerify."
                : "So these are not the inputs of the job (or not in its order), and no row was written. Check the " +
                    $"inputs' order and content (Get-SutroJobResult {jobId} -IncludeInput shows the job's), or pair them " +
                    "without the check with -NoVerify.";
            throw new SutroApiException(ErrorIds.InputMismatch, ErrorCategory.InvalidData,
                $"{which} of job '{jobId}' does not match its input: the input is {given}, the job ran {returned}. {advice}")
            {
                Data = { ["Index"] = m.Row },
            };
        }

        if (verify)
        {
            verbose($"Job {jobId}: each of the {_held.Count} inputs matches the input the job returned for its row.");
        }
    }

    /// <summary>Input <paramref name="index"/> (or, by key, the input of the row's key) joined with its result row.</summary>
    private object Join(object row, string jobId, long index, Action<string> warn)
    {
        var shaped = row as PSObject;
        var result = (JobResultRow)(shaped?.BaseObject ?? row);
        int input;
        if (_keyProperty is not null)
        {
            input = _byKey![KeyText(shaped!.Properties[_keyProperty].Value)];
        }
        else
        {
            if (index >= _held.Count)
            {
                CheckCount(jobId, index + 1);
            }

            input = (int)index;
        }

        object? held = _held[input];
        _held[input] = null; // joined: no longer kept alive here
        _texts[input] = null;
        if (_mode == InputMode.Text)
        {
            result.Input = held;
            if (shaped is not null)
            {
                shaped.Properties["Input"].Value = held;
            }

            return row;
        }

        // An object input: the same object, with the output's properties added after its own. A name the
        // object already has is prefixed (Output_Output...), as -ExpandOutput does for its fields; the key column
        // of a join by key is the input's own.
        PSObject target = held is null ? new PSObject() : PSObject.AsPSObject(held);
        var names = new PropertyNames(RowShaper.ClashPrefix, target.Properties.Select(p => p.Name));
        Add(target, names, "Output", shaped?.Properties["Output"].Value ?? result.Output, warn);
        Add(target, names, "CumulativeLogprob", result.CumulativeLogprob, warn);
        if (shaped is not null)
        {
            foreach (PSPropertyInfo property in shaped.Properties)
            {
                if (property.MemberType == PSMemberTypes.NoteProperty && !RowNames.Contains(property.Name)
                    && !string.Equals(property.Name, _keyProperty, StringComparison.Ordinal))
                {
                    Add(target, names, property.Name, property.Value, warn);
                }
            }
        }

        return target;
    }

    /// <summary>Names already warned about: an input's own property that a new value could not take.</summary>
    private readonly HashSet<string> _renamedWarned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Adds a value the results bring to an object input. When the input already has a property of that name, the
    /// input's own value stays and the new one goes under a prefixed name: said once a name, as a warning, so a
    /// script reading <c>.Output</c> never takes the input's old value for the job's.
    /// </summary>
    private void Add(PSObject target, PropertyNames names, string name, object? value, Action<string> warn)
    {
        string assigned = names.Assign(name);
        target.Properties.Add(new PSNoteProperty(assigned, value));
        if (!string.Equals(assigned, name, StringComparison.Ordinal) && _renamedWarned.Add(name))
        {
            warn($"The input objects already have a property '{name}', which is kept as it was; the job's new value " +
                $"is in '{assigned}'. Rename or remove the input's '{name}' (Select-Object -ExcludeProperty {name}) to get " +
                $"the new value under its own name.");
        }
    }

    /// <summary>The results' column named by -On (exactly, else in any case); JoinKeyNotFound when there is none.</summary>
    private int KeyColumn(ResultSchema schema, string jobId)
    {
        int column = IndexOf(schema.ExtraColumns, StringComparison.Ordinal);
        if (column < 0)
        {
            column = IndexOf(schema.ExtraColumns, StringComparison.OrdinalIgnoreCase);
        }

        if (column < 0)
        {
            string columns = schema.ExtraColumns.Count == 0 ? "none" : string.Join(", ", schema.ExtraColumns.Select(c => $"'{c}'"));
            throw new SutroApiException(ErrorIds.JoinKeyNotFound, ErrorCategory.ObjectNotFound,
                $"The results of job '{jobId}' have no column '{_on}' to pair the inputs by (-On {_on}); their columns " +
                $"besides inputs, outputs and logprobs: {columns}. No row was written. Name the job's id column with -On, " +
                "or leave out -On to pair the inputs by position.");
        }

        _keyProperty = schema.PropertyNames[column];
        return column;
    }

    private int IndexOf(IReadOnlyList<string> columns, StringComparison comparison)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], _on, comparison))
            {
                return i;
            }
        }

        return -1;
    }

    private SutroApiException DuplicateResultKey(string jobId, string key, long first, long second) =>
        new(ErrorIds.DuplicateJoinKey, ErrorCategory.InvalidData,
            $"Rows {first} and {second} of the results of job '{jobId}' both have {Quote(key)} in their column '{_on}', " +
            $"so the inputs cannot be paired with them by -On {_on}; no row was written. Pair them by position (leave " +
            "out -On), or read the rows as they are with Get-SutroJobResult " + jobId + ".")
        {
            Data = { ["Key"] = key },
        };

    /// <summary>The input's key: its property named by -On, as text.</summary>
    private string KeyOf(PSObject? input, long row)
    {
        object? raw = input?.BaseObject;
        object? value = null;
        bool found = false;
        if (raw is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), _on, StringComparison.OrdinalIgnoreCase))
                {
                    (found, value) = (true, entry.Value);
                    break;
                }
            }
        }
        else if (input?.Properties[_on!] is { } property)
        {
            (found, value) = (true, property.Value);
        }

        if (!found || value is null || (value is PSObject p && p.BaseObject is null))
        {
            throw new SutroApiException(ErrorIds.InputPropertyMissing, ErrorCategory.InvalidData,
                $"Input row {row} has no value in a property '{_on}', so it has no key to pair it with a result row by " +
                $"(-On {_on}). Give every input its key, or leave out -On to pair the inputs by position.")
            {
                Data = { ["Row"] = row },
            };
        }

        return KeyText(value);
    }

    /// <summary>A key as text: a number or text the same whether it came from an input or a results column.</summary>
    private static string KeyText(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        return raw switch
        {
            null => string.Empty,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => raw.ToString() ?? string.Empty,
        };
    }

    /// <summary>The text input <paramref name="input"/> was sent as: its text, or an object row's JSON.</summary>
    private string? Expected(int input) =>
        _texts[input] ?? (_mode == InputMode.Objects ? PowerShellJson.ToJson(_held[input]) : null);

    /// <summary>
    /// Whether the job's returned input is the one sent: the same text; for an object row the same JSON, however
    /// the service spaced it or whether it came back as text or as a structure.
    /// </summary>
    private bool Same(string? expected, object? returned)
    {
        object? raw = returned is PSObject pso ? pso.BaseObject : returned;
        if (expected is null || raw is null)
        {
            return expected is null && raw is null;
        }

        if (_mode != InputMode.Objects)
        {
            return string.Equals(expected, raw as string ?? KeyText(raw), StringComparison.Ordinal);
        }

        string? json = raw is string text ? CompactJson(text) : Structure(raw);
        return string.Equals(expected, json, StringComparison.Ordinal);
    }

    /// <summary>JSON text written compactly, as an object row is sent; null when it is not JSON.</summary>
    private static string? CompactJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            using var buffer = new System.IO.MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Compact))
            {
                document.RootElement.WriteTo(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Structure(object value)
    {
        try
        {
            return PowerShellJson.ToJson(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A text as an error shows it: quoted (with escapes), cut after <see cref="ShownChars"/> characters.</summary>
    private static string Show(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        if (raw is null)
        {
            return "no input (null)";
        }

        string text = raw as string ?? Structure(raw) ?? KeyText(raw);
        if (text.Length <= ShownChars)
        {
            return Quote(text);
        }

        int cut = char.IsHighSurrogate(text[ShownChars - 1]) ? ShownChars - 1 : ShownChars;
        return Quote(text[..cut]) + $"... ({text.Length} characters)";
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text, Quoting);
}
