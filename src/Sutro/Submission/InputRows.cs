using System;
using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using Sutro.Http;

namespace Sutro.Submission;

/// <summary>How a pipeline object becomes one input: as text, a property's text, a script's text, or a JSON object.</summary>
internal enum InputMode
{
    Text,
    Property,
    Script,
    Objects,
}

/// <summary>
/// Turns pipeline objects into inputs and adds them to a spool (for a submission) or only reads them (to pair them
/// with a job's results). A row that cannot become an input is a <see cref="SutroApiException"/> naming the row
/// (1-based) and what to do; it is raised before anything is sent.
/// </summary>
internal sealed class InputRows
{
    private readonly InputMode _mode;
    private readonly string? _property;
    private readonly ScriptBlock? _script;

    /// <param name="spool">Writes the inputs to a <see cref="Spool"/> to be sent; without it they are only read.</param>
    public InputRows(InputMode mode, string? property, ScriptBlock? script, bool spool = true)
    {
        _mode = mode;
        _property = property;
        _script = script;
        Spool = spool ? new InputSpool() : null;
    }

    /// <summary>The inputs as sent; null when the rows are only read.</summary>
    public InputSpool? Spool { get; }

    /// <summary>
    /// Adds one pipeline object (<paramref name="row"/> is its 1-based number); returns the text sent. An object
    /// row gives null when spooled (the spool holds its JSON), and its JSON text when the rows are only read.
    /// </summary>
    public string? Add(object? input, long row)
    {
        string text;
        switch (_mode)
        {
            case InputMode.Text:
                text = Text(input, row, "is", "Name the property that holds its text with -InputProperty, build the text with -InputScript, or send whole objects with -ObjectRows.");
                break;
            case InputMode.Property:
                text = Text(PropertyOf(input, row), row, $"has in its property '{_property}'", "Choose a property that holds text, or build the text with -InputScript.");
                break;
            case InputMode.Script:
                text = Text(RunScript(input, row), row, "gets from -InputScript", "Make the script return one string for each row.");
                break;
            default:
                if (!PowerShellJson.IsObject(input))
                {
                    throw Bad(ErrorIds.InputNotObject, row, $"Input row {row} is {Describe(input)}, not an object: -ObjectRows sends each row as a JSON object. Send hashtables or objects, or leave out -ObjectRows to send text.");
                }

                try
                {
                    if (Spool is null)
                    {
                        return PowerShellJson.ToJson(input);
                    }

                    Spool.Add(w => PowerShellJson.Write(w, input));
                }
                catch (FormatException ex)
                {
                    throw Bad(ErrorIds.InputNotObject, row, $"Input row {row} cannot be written as JSON: {ex.Message}.");
                }

                return null;
        }

        Spool?.AddText(text);
        return text;
    }

    private object? PropertyOf(object? input, long row)
    {
        object? raw = input is PSObject pso ? pso.BaseObject : input;
        object? value = null;
        bool found = false;
        if (raw is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(Convert.ToString(entry.Key, CultureInfo.InvariantCulture), _property, StringComparison.OrdinalIgnoreCase))
                {
                    (found, value) = (true, entry.Value);
                    break;
                }
            }
        }
        else if (input is not null && PSObject.AsPSObject(input).Properties[_property!] is { } property)
        {
            (found, value) = (true, property.Value);
        }

        if (!found)
        {
            throw Bad(ErrorIds.InputPropertyMissing, row, $"Input row {row} has no property '{_property}'. Nothing was sent. Check the name given to -InputProperty (the row's properties: {PropertyNames(input)}).");
        }

        if (value is null || (value is PSObject p && p.BaseObject is null))
        {
            throw Bad(ErrorIds.InputPropertyMissing, row, $"Input row {row} has no value in its property '{_property}' (it is null). Nothing was sent. Fill in or filter out such rows first, for example with Where-Object {_property}.");
        }

        return value;
    }

    private object? RunScript(object? input, long row)
    {
        Collection<PSObject> results;
        try
        {
            results = _script!.InvokeWithContext(null, new System.Collections.Generic.List<PSVariable> { new("_", input), new("PSItem", input) });
        }
        catch (RuntimeException ex)
        {
            throw Bad(ErrorIds.InputScriptFailed, row, $"-InputScript failed on input row {row}: {ex.Message} Nothing was sent.");
        }

        if (results.Count != 1 || results[0] is null || results[0].BaseObject is null)
        {
            throw Bad(ErrorIds.InputScriptFailed, row, $"-InputScript returned {results.Count} values for input row {row}; it must return exactly one string. Nothing was sent.");
        }

        return results[0];
    }

    private static string Text(object? value, long row, string what, string advice)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        switch (raw)
        {
            case string text:
                return text;
            case char or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return Convert.ToString(raw, CultureInfo.InvariantCulture)!;
            case null:
                throw Bad(ErrorIds.InputNotText, row, $"Input row {row} {what} null, not text. Nothing was sent. {advice}");
            default:
                throw Bad(ErrorIds.InputNotText, row, $"Input row {row} {what} {Describe(raw)}, not text. Nothing was sent. {advice}");
        }
    }

    private static string Describe(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        return raw switch
        {
            null => "null",
            PSCustomObject => "a PSCustomObject",
            _ => "a " + raw.GetType().Name,
        };
    }

    private static string PropertyNames(object? input)
    {
        if (input is null)
        {
            return "none, it is null";
        }

        object raw = input is PSObject pso ? pso.BaseObject : input;
        var names = new System.Collections.Generic.List<string>();
        if (raw is IDictionary dictionary)
        {
            foreach (object key in dictionary.Keys)
            {
                names.Add(Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty);
            }
        }
        else
        {
            foreach (PSPropertyInfo property in PSObject.AsPSObject(input).Properties)
            {
                names.Add(property.Name);
            }
        }

        return names.Count == 0 ? "none" : string.Join(", ", names.Count > 12 ? names.GetRange(0, 12) : names) + (names.Count > 12 ? ", ..." : string.Empty);
    }

    private static SutroApiException Bad(string errorId, long row, string message) =>
        new(errorId, ErrorCategory.InvalidData, message) { Data = { ["Row"] = row } };
}
