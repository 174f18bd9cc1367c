using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Sutro.Tests;

/// <summary>The canonical row rendering of tests/fixtures/README.md: [S(input),S(output),L(logprob)].</summary>
public static class Canonical
{
    public static string S(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var builder = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    public static string L(double? value) =>
        value is null ? "null" : "\"" + BitConverter.DoubleToInt64Bits(value.Value).ToString("x16", CultureInfo.InvariantCulture) + "\"";

    public static string Row(string? input, string? output, double? logprob) => $"[{S(input)},{S(output)},{L(logprob)}]\n";

    /// <summary>The names of the .parquet files directly in <paramref name="folder"/>, in ordinal order.</summary>
    public static List<string> ParquetFiles(string folder) =>
        Directory.GetFiles(folder, "*.parquet").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>One theory case a name.</summary>
    public static Xunit.TheoryData<string> Cases(IEnumerable<string> names)
    {
        var data = new Xunit.TheoryData<string>();
        foreach (string name in names)
        {
            data.Add(name);
        }

        return data;
    }

    public static string FixturePath(params string[] parts)
    {
        string dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "tests", "fixtures", "valid")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        if (dir is null)
        {
            throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
        }

        var all = new List<string> { dir, "tests", "fixtures" };
        all.AddRange(parts);
        return Path.Combine(all.ToArray());
    }
}
