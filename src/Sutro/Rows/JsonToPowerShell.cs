using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Sutro.Results;

namespace Sutro.Rows;

/// <summary>
/// Turns a JSON value into what <c>ConvertFrom-Json</c> would give: PSCustomObjects, arrays, strings, booleans and
/// numbers by the module's one number rule (<see cref="Number"/>). Objects take their property names through
/// <see cref="PropertyNames"/> (an empty key becomes Column1, a key differing only in case from an earlier one is
/// numbered), so no key is lost or refused.
/// </summary>
internal static class JsonToPowerShell
{
    /// <summary>How deep JSON may nest, in results bodies and in the outputs -ExpandOutput reads.</summary>
    public const int MaxDepth = 1000;

    /// <param name="numbers">Told of each number no .NET number holds (kept as its text), with <paramref name="field"/>.</param>
    public static object? Convert(JsonElement element, NumberNotes? numbers = null, string field = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new PSObject();
                var names = new PropertyNames(string.Empty);
                var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    string key = Text(property);
                    object? value = Convert(property.Value, numbers, field);
                    if (assigned.TryGetValue(key, out string? repeated))
                    {
                        // A repeated key keeps its last value, as ConvertFrom-Json does.
                        obj.Properties[repeated].Value = value;
                        continue;
                    }

                    string name = names.Assign(key);
                    assigned[key] = name;
                    obj.Properties.Add(new PSNoteProperty(name, value));
                }

                return obj;
            case JsonValueKind.Array:
                var items = new object?[element.GetArrayLength()];
                int i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[i++] = Convert(item, numbers, field);
                }

                return items;
            case JsonValueKind.String:
                try
                {
                    return element.GetString();
                }
                catch (InvalidOperationException)
                {
                    // A lone surrogate escape (\ud800): kept as the same UTF-16 unit.
                    string raw = element.GetRawText();
                    return JsonText.Unescape(Encoding.UTF8.GetBytes(raw.Substring(1, raw.Length - 2)));
                }

            case JsonValueKind.Number:
                if (element.TryGetInt64(out long whole))
                {
                    return whole;
                }

                object number = Number(element.GetRawText());
                if (number is string text)
                {
                    numbers?.KeptAsText(text, field);
                }

                return number;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    private static string Text(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            // ToString() gives the property's JSON text: "name":value.
            string raw = property.ToString();
            int colon = raw.IndexOf("\":", StringComparison.Ordinal);
            return colon > 0 ? JsonText.TryUnescape(Encoding.UTF8.GetBytes(raw.Substring(1, colon - 1))) ?? raw[..colon] : raw;
        }
    }

    /// <summary>
    /// The number rule, the same for JSON bodies, CSV extra columns and values inside JSON: a whole number is
    /// <c>[long]</c>, or <c>[bigint]</c> beyond long (kept exactly); any other number is <c>[double]</c>; a number
    /// beyond double's range (<c>1e400</c>), which no .NET number holds, is kept as its text.
    /// </summary>
    public static object Number(string raw)
    {
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
        {
            return whole;
        }

        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0
            && BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger big))
        {
            return big;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : raw;
    }
}
