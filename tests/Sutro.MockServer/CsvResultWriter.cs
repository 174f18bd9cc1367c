using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Sutro.MockServer;

/// <summary>
/// The csv results body: a ZIP holding one <c>&lt;job_id&gt;.csv</c> (UTF-8 without BOM, RFC 4180 quoting, CRLF),
/// header <c>inputs,&lt;job_id&gt;,cumulative_logprobs,extras...</c>: the outputs column is named after the job id.
/// </summary>
public static class CsvResultWriter
{
    private static readonly DateTimeOffset s_entryTime = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public static byte[] Build(JobDefinition def, bool inputs, bool logprobs)
    {
        var columns = new List<(string Name, Func<int, string?> Value)>();
        IReadOnlyList<ResultRow> rows = def.Rows;
        if (inputs) columns.Add(("inputs", i => rows[i].Input));
        columns.Add((def.JobId, i => rows[i].Output));
        if (logprobs) columns.Add(("cumulative_logprobs", i => rows[i].Logprob?.ToString("R", CultureInfo.InvariantCulture)));
        foreach (ExtraColumn c in def.AllExtraColumns()) columns.Add((c.Name, i => Format(c.Values[i])));

        using var zipBytes = new MemoryStream();
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            ZipArchiveEntry entry = zip.CreateEntry(def.JobId + ".csv", CompressionLevel.Optimal);
            entry.LastWriteTime = s_entryTime;
            using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false), 1 << 16);
            WriteRow(writer, columns.Count, c => columns[c].Name);
            for (int i = 0; i < rows.Count; i++)
            {
                int row = i;
                WriteRow(writer, columns.Count, c => columns[c].Value(row));
            }
        }
        return zipBytes.ToArray();
    }

    private static void WriteRow(TextWriter w, int count, Func<int, string?> field)
    {
        if (count == 1)
        {
            string? only = field(0);
            // A lone empty field would be a blank line, which readers skip: quote it (as Python's csv does).
            if (string.IsNullOrEmpty(only)) w.Write("\"\"");
            else WriteField(w, only);
        }
        else
        {
            for (int c = 0; c < count; c++)
            {
                if (c > 0) w.Write(',');
                WriteField(w, field(c));
            }
        }
        w.Write("\r\n");
    }

    private static void WriteField(TextWriter w, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            w.Write(value);
            return;
        }
        w.Write('"');
        w.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }

    private static string? Format(object? v) => v switch
    {
        null => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
