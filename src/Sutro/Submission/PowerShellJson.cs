using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sutro.Submission;

/// <summary>
/// Writes a PowerShell value as JSON: hashtables and dictionaries, PSCustomObjects and other objects (their
/// properties) as objects; lists as arrays; numbers, booleans and text as themselves; dates as ISO-8601;
/// enums by name. Used for object rows, -OutputSchema and -SamplingParameters.
/// </summary>
internal static class PowerShellJson
{
    public const int MaxDepth = 32;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value as compact JSON text. Throws <see cref="FormatException"/> for what JSON cannot hold.</summary>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            Write(w, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>True for a value that becomes a JSON object (not text, a number, a list...).</summary>
    public static bool IsObject(object? value)
    {
        object? raw = value is PSObject pso ? pso.BaseObject : value;
        return raw is not null && raw is not string && Scalar(raw) is null && (raw is IDictionary || raw is PSCustomObject || raw is not IEnumerable);
    }

    public static void Write(Utf8JsonWriter w, object? value) => Write(w, value, 0);

    private static void Write(Utf8JsonWriter w, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"it is nested more than {MaxDepth} levels deep");
        }

        PSObject? wrapper = value as PSObject;
        object? raw = wrapper is null ? value : wrapper.BaseObject;
        switch (raw)
        {
            case null:
            case DBNull:
                w.WriteNullValue();
                return;
            case JsonElement element:
                element.WriteTo(w);
                return;
            case string text:
                w.WriteStringValue(text);
                return;
            case bool flag:
                w.WriteBooleanValue(flag);
                return;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
            case float f when float.IsNaN(f) || float.IsInfinity(f):
                throw new FormatException($"JSON has no number {raw}");
        }

        if (raw == System.Management.Automation.Internal.AutomationNull.Value)
        {
            w.WriteNullValue();
            return;
        }

        switch (Scalar(raw))
        {
            case { } number when IsNumber(raw):
                w.WriteRawValue(number);
                return;
            case { } text:
                w.WriteStringValue(text);
                return;
        }

        switch (raw)
        {
            case IDictionary dictionary:
                w.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Write(w, entry.Value, depth + 1);
                }

                w.WriteEndObject();
                return;
            case IEnumerable list when raw is not PSCustomObject:
                w.WriteStartArray();
                foreach (object? item in list)
                {
                    Write(w, item, depth + 1);
                }

                w.WriteEndArray();
                return;
        }

        w.WriteStartObject();
        foreach (PSPropertyInfo property in (wrapper ?? PSObject.AsPSObject(raw)).Properties)
        {
            if (!property.IsGettable)
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }

            w.WritePropertyName(property.Name);
            Write(w, propertyValue, depth + 1);
        }

        w.WriteEndObject();
    }

    private static bool IsNumber(object raw) =>
        raw is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
            or System.Numerics.BigInteger;

    /// <summary>The JSON text of a number, or the text of a value written as a string; null for anything else.</summary>
    private static string? Scalar(object raw) => raw switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable number when IsNumber(raw) => number.ToString(null, CultureInfo.InvariantCulture),
        char c => c.ToString(),
        DateTime date => date.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset date => date.ToString("o", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        Guid or Uri or TimeSpan or Version => Convert.ToString(raw, CultureInfo.InvariantCulture),
        _ => null,
    };
}
