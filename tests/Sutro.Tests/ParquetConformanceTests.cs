using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The conformance corpus (tests/fixtures/conformance, written by DuckDB, arrow-rs and hyparquet-writer with
/// generate.mjs, by polars with generate-polars.mjs and by parquet.js with generate-parquetjs.mjs): every file's every row and column must equal, value and
/// .NET type, what the writer's own reader gave back.
/// </summary>
public class ParquetConformanceTests
{
    public static TheoryData<string> Files() => Canonical.Cases(Names());

    private static List<string> Names() => Canonical.ParquetFiles(Folder());

    private static string Folder() => Path.GetDirectoryName(Canonical.FixturePath("conformance", "generate.mjs"))!;

    [Fact]
    public void TheCorpusHoldsEveryWriterAndCodec()
    {
        var files = Names();
        Assert.Equal(36, files.Count);
        foreach (string codec in new[] { "uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4raw", "lz4hadoop" })
        {
            Assert.Contains(files, f => f.Contains("." + codec, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryRowEqualsWhatTheWriterReadsBack(string file)
    {
        string folder = Folder();
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, Path.ChangeExtension(file, ".json"))))!;
        if (expected["sameRowsAs"] is { } same)
        {
            expected = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, (string)same!)))!;
        }

        var rows = expected["rows"]!.AsArray();
        Assert.Empty(Mismatches(Path.Combine(folder, file), rows, null));
    }

    /// <summary>
    /// The first ten differences between the rows of the file at <paramref name="path"/> and <paramref name="rows"/>
    /// (a row count that differs is one); <paramref name="outputColumn"/> names the column read as the outputs when the
    /// file has no "outputs" column.
    /// </summary>
    internal static List<string> Mismatches(string path, JsonArray rows, string? outputColumn)
    {
        var mismatches = new List<string>();
        Compare(path, rows, outputColumn, mismatches, new StrongBox<int>());
        return mismatches;
    }

    /// <summary>
    /// Adds to <paramref name="mismatches"/> as <see cref="Mismatches"/> returns them, and counts in
    /// <paramref name="read"/> the rows read and compared: both are kept when reading fails midway.
    /// </summary>
    internal static void Compare(string path, JsonArray rows, string? outputColumn, List<string> mismatches, StrongBox<int> read)
    {
        using var decoder = ResultDecoders.Open(path, null, new[] { outputColumn ?? "job_x" }, CancellationToken.None);
        if (decoder.RowCount != rows.Count)
        {
            mismatches.Add($"the decoder counts {decoder.RowCount} rows, the reader {rows.Count}");
        }

        int r = 0;
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++, r++)
            {
                if (r >= rows.Count)
                {
                    continue;
                }

                foreach (var (column, value) in rows[r]!.AsObject())
                {
                    object? actual = column switch
                    {
                        _ when column == outputColumn => batch.Outputs[i],
                        "outputs" => batch.Outputs[i],
                        "inputs" => batch.Inputs[i],
                        "cumulative_logprobs" => batch.Logprobs[i],
                        _ => batch.Extras[IndexOf(decoder.Schema.ExtraColumns, column)][i],
                    };
                    if (Differs(value, actual) is { } why && mismatches.Count < 10)
                    {
                        mismatches.Add($"row {r} column {column}: {why}");
                    }
                }

                read.Value++;
            }
        }

        if (r != rows.Count)
        {
            mismatches.Add($"the decoder gave {r} rows, the reader {rows.Count}");
        }
    }

    [Fact]
    public void ABareLz4BlockUnderTheLz4CodecReadsAsOldWritersMeantIt()
    {
        // Old writers put a bare LZ4 block under the LZ4 codec, without Hadoop's framing: the arrow-rs LZ4_RAW file
        // with every column's codec (ColumnMetaData field 4, before num_values) turned from LZ4_RAW (7) to LZ4 (5).
        string folder = Folder();
        byte[] bytes = File.ReadAllBytes(Path.Combine(folder, "arrowrs.v1.lz4raw.parquet"));
        int footerStart = bytes.Length - 8 - BitConverter.ToInt32(bytes, bytes.Length - 8);
        int patched = 0;
        for (int i = footerStart; i + 3 <= bytes.Length - 8; i++)
        {
            if (bytes[i] == 0x15 && bytes[i + 1] == 0x0E && bytes[i + 2] == 0x16)
            {
                bytes[i + 1] = 0x0A;
                patched++;
            }
        }

        Assert.Equal(15, patched);
        string path = Path.Combine(Path.GetTempPath(), $"sutro-lz4-{Guid.NewGuid():N}.parquet");
        File.WriteAllBytes(path, bytes);
        try
        {
            Assert.Equal(ValueDump.Rows(Path.Combine(folder, "arrowrs.v1.uncompressed.parquet")), ValueDump.Rows(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"the decoder has no column '{name}'");
    }

    /// <summary>Why <paramref name="actual"/> is not the value <paramref name="expected"/> describes, or null.</summary>
    internal static string? Differs(JsonNode? expected, object? actual)
    {
        string Show() => $"expected {expected?.ToJsonString() ?? "null"}, got {ValueDump.Render(actual)}";
        switch (expected)
        {
            case null:
                return actual is null ? null : Show();
            case JsonArray items:
                {
                    if (actual is not Array array || array.Length != items.Count)
                    {
                        return Show();
                    }

                    for (int k = 0; k < items.Count; k++)
                    {
                        if (Differs(items[k], array.GetValue(k)) is { } why)
                        {
                            return $"item {k}: {why}";
                        }
                    }

                    return null;
                }

            case JsonValue value when value.TryGetValue(out string? text):
                return actual is string s && s == text ? null : Show();
            case JsonValue value when value.TryGetValue(out bool flag):
                return actual is bool b && b == flag ? null : Show();
            case JsonObject tagged:
                {
                    var (tag, body) = tagged.Single();
                    bool same = tag switch
                    {
                        "i" => actual is long or ulong && Convert.ToString(actual, CultureInfo.InvariantCulture) == (string)body!,
                        "d" => actual is double d && BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture) == (string)body!,
                        "m" => actual is decimal m && m.ToString(CultureInfo.InvariantCulture) == (string)body!,
                        "num" => actual is decimal n && n == decimal.Parse((string)body!, NumberStyles.Float, CultureInfo.InvariantCulture),
                        "us" => actual is DateTime t && (t.Ticks - DateTime.UnixEpoch.Ticks).ToString(CultureInfo.InvariantCulture) == (string)body! + "0",
                        "date" => actual is DateTime day && day.Kind == DateTimeKind.Utc && day.TimeOfDay == TimeSpan.Zero
                            && (day - DateTime.UnixEpoch).Days == (int)body!,
                        "x" => actual is byte[] bytes && Convert.ToHexString(bytes) == (string)body!,
                        "s" or "map" => true,
                        _ => throw new InvalidOperationException($"unknown tag '{tag}'"),
                    };
                    if (!same)
                    {
                        return Show();
                    }

                    if (tag is "s" or "map")
                    {
                        return DiffersDictionary(body!.AsArray(), actual) is { } why ? $"{why} ({Show()})" : null;
                    }

                    return null;
                }

            default:
                return Show();
        }
    }

    private static string? DiffersDictionary(JsonArray entries, object? actual)
    {
        if (actual is not OrderedDictionary dictionary || dictionary.Count != entries.Count)
        {
            return "not an ordered dictionary of as many entries";
        }

        int k = 0;
        foreach (DictionaryEntry entry in dictionary)
        {
            var pair = entries[k++]!.AsArray();
            if (Differs(pair[0], entry.Key) is { } key)
            {
                return $"key {k - 1}: {key}";
            }

            if (Differs(pair[1], entry.Value) is { } value)
            {
                return $"value of {entry.Key}: {value}";
            }
        }

        return null;
    }
}
