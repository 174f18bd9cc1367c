using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Sutro.MockServer;

/// <summary>Reads the rows of a results JSON file (parallel arrays outputs / inputs / cumulative_logprobs).</summary>
public static class FixtureRows
{
    public static string Resolve(string fixturesDir, string file) =>
        Path.IsPathRooted(file) ? file : Path.Combine(fixturesDir, file);

    public static IReadOnlyList<ResultRow> Load(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("results", out JsonElement wrapped) && wrapped.ValueKind == JsonValueKind.Object)
            root = wrapped;
        List<string?> outputs = Strings(root, "outputs");
        List<string?> inputs = Strings(root, "inputs");
        var logprobs = new List<double?>();
        if (root.TryGetProperty("cumulative_logprobs", out JsonElement lp) && lp.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in lp.EnumerateArray())
                logprobs.Add(e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null);
        }
        int count = Math.Max(outputs.Count, Math.Max(inputs.Count, logprobs.Count));
        var rows = new List<ResultRow>(count);
        for (int i = 0; i < count; i++)
        {
            rows.Add(new ResultRow(
                i < inputs.Count ? inputs[i] : null,
                i < outputs.Count ? outputs[i] : null,
                i < logprobs.Count ? logprobs[i] : null));
        }
        return rows;
    }

    private static List<string?> Strings(JsonElement root, string name)
    {
        var list = new List<string?>();
        if (root.TryGetProperty(name, out JsonElement arr) && arr.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in arr.EnumerateArray())
                list.Add(e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind == JsonValueKind.Null ? null : e.GetRawText());
        }
        return list;
    }
}
