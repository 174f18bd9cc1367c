using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.MockServer;

/// <summary>The json results body: <c>{"outputs":[...],"inputs":[...],"cumulative_logprobs":[...], extras...}</c>, streamed.</summary>
public static class JsonResultWriter
{
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int FlushThreshold = 64 * 1024;

    public static async Task WriteAsync(Stream stream, JobDefinition def, bool inputs, bool logprobs, CancellationToken ct)
    {
        await using var w = new Utf8JsonWriter(stream, Options);
        await WriteObjectAsync(w, def, inputs, logprobs, ct);
        await w.FlushAsync(ct);
    }

    /// <summary>Writes the object into <paramref name="w"/>, flushing it now and then (so it may be nested).</summary>
    public static async Task WriteObjectAsync(Utf8JsonWriter w, JobDefinition def, bool inputs, bool logprobs, CancellationToken ct)
    {
        IReadOnlyList<ResultRow> rows = def.Rows;
        w.WriteStartObject();
        w.WriteStartArray("outputs");
        for (int i = 0; i < rows.Count; i++)
        {
            w.WriteStringValue(rows[i].Output);
            if (w.BytesPending > FlushThreshold) await w.FlushAsync(ct);
        }
        w.WriteEndArray();
        if (inputs)
        {
            w.WriteStartArray("inputs");
            for (int i = 0; i < rows.Count; i++)
            {
                w.WriteStringValue(rows[i].Input);
                if (w.BytesPending > FlushThreshold) await w.FlushAsync(ct);
            }
            w.WriteEndArray();
        }
        if (logprobs)
        {
            w.WriteStartArray("cumulative_logprobs");
            for (int i = 0; i < rows.Count; i++)
            {
                if (rows[i].Logprob is double d) w.WriteNumberValue(d);
                else w.WriteNullValue();
                if (w.BytesPending > FlushThreshold) await w.FlushAsync(ct);
            }
            w.WriteEndArray();
        }
        foreach (ExtraColumn column in def.AllExtraColumns())
        {
            w.WriteStartArray(column.Name);
            foreach (object? v in column.Values)
            {
                switch (v)
                {
                    case null: w.WriteNullValue(); break;
                    case long l: w.WriteNumberValue(l); break;
                    case double d: w.WriteNumberValue(d); break;
                    default: w.WriteStringValue(v.ToString()); break;
                }
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        await w.FlushAsync(ct);
    }
}
