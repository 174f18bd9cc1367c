using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Text;
using System.Threading;
using Sutro.Results;

namespace Sutro.Tests;

/// <summary>
/// Renders decoded Parquet rows with each value's .NET type, so two reads can be compared exactly: numbers by
/// their bits, text per UTF-16 unit (Canonical.S), lists with their array type, dictionaries in key order.
/// </summary>
public static class ValueDump
{
    public static string Render(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value);
        return builder.ToString();
    }

    /// <summary>Every row of a result file, one line a row: each column as name=value.</summary>
    public static List<string> Rows(string path, string jobId = "job_x")
    {
        using var decoder = ResultDecoders.Open(path, null, new[] { jobId }, CancellationToken.None);
        var lines = new List<string>();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var line = new StringBuilder("outputs=").Append(Render(batch.Outputs[i]));
                if (decoder.Schema.HasInput)
                {
                    line.Append(" inputs=").Append(Render(batch.Inputs[i]));
                }

                if (decoder.Schema.HasLogprob)
                {
                    line.Append(" logprob=").Append(Render(batch.Logprobs[i]));
                }

                for (int e = 0; e < decoder.Schema.ExtraColumns.Count; e++)
                {
                    line.Append(' ').Append(decoder.Schema.ExtraColumns[e]).Append('=').Append(Render(batch.Extras[e][i]));
                }

                lines.Add(line.ToString());
            }
        }

        return lines;
    }

    private static void Append(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string s:
                builder.Append(Canonical.S(s));
                break;
            case double d:
                builder.Append("d:").Append(BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture));
                break;
            case float f:
                builder.Append("f:").Append(BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture));
                break;
            case decimal m:
                builder.Append("m:").Append(m.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                builder.Append("t:").Append(t.Ticks.ToString(CultureInfo.InvariantCulture)).Append(':').Append(t.Kind);
                break;
            case byte[] bytes:
                builder.Append("x:").Append(Convert.ToHexString(bytes));
                break;
            case IDictionary dictionary:
                builder.Append(value.GetType().Name).Append('{');
                bool first = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    builder.Append(first ? string.Empty : ",");
                    first = false;
                    Append(builder, entry.Key);
                    builder.Append(':');
                    Append(builder, entry.Value);
                }

                builder.Append('}');
                break;
            case IEnumerable list:
                builder.Append(value.GetType().Name).Append('[');
                bool start = true;
                foreach (object? item in list)
                {
                    builder.Append(start ? string.Empty : ",");
                    start = false;
                    Append(builder, item);
                }

                builder.Append(']');
                break;
            case IFormattable formattable:
                builder.Append(value.GetType().Name).Append(':').Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(value.GetType().Name).Append(':').Append(value);
                break;
        }
    }
}
