using System.Management.Automation;
using System.Numerics;
using System.Text.Json;

namespace Sutro.Rows;

/// <summary>Turns a JSON value into what <c>ConvertFrom-Json</c> would give: PSCustomObjects, arrays, long, double.</summary>
internal static class JsonToPowerShell
{
    public static object? Convert(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new PSObject();
                foreach (var property in element.EnumerateObject())
                {
                    // A repeated key keeps its last value, as ConvertFrom-Json does.
                    obj.Properties.Remove(property.Name);
                    obj.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
                }

                return obj;
            case JsonValueKind.Array:
                var items = new object?[element.GetArrayLength()];
                int i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[i++] = Convert(item);
                }

                return items;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                if (element.TryGetInt64(out long whole))
                {
                    return whole;
                }

                string raw = element.GetRawText();
                if (raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && BigInteger.TryParse(raw, out BigInteger big))
                {
                    return big;
                }

                return element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
