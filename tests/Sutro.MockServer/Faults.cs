using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Sutro.MockServer;

/// <summary>
/// One injected fault, applied to the next <see cref="Times"/> requests (either origin) whose path contains
/// <see cref="Path"/> (and whose method is <see cref="Method"/>, if given). Times &lt; 0 means until reset.
/// </summary>
public sealed record FaultSpec
{
    public string? Path { get; init; }
    /// <summary>Matches only paths that end with this (so <c>jobs/x/results</c> leaves <c>jobs/x/results-url</c> alone).</summary>
    public string? PathEnd { get; init; }
    public string? Method { get; init; }
    public int Times { get; init; } = 1;
    public int? Status { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? Body { get; init; }
    public string? ContentType { get; init; }
    public long? CutAfterBytes { get; init; }
    public long? StallAfterBytes { get; init; }
    public int DelayMs { get; init; }
    public string? RedirectTo { get; init; }
    /// <summary>Serve the request as if it had no Range/If-Range (a store that ignores ranges answers 200).</summary>
    public bool IgnoreRange { get; init; }

    public static FaultSpec Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException("fault must be a JSON object");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (e.TryGetProperty("headers", out JsonElement h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in h.EnumerateObject())
                headers[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        var spec = new FaultSpec
        {
            Path = Str(e, "path"),
            PathEnd = Str(e, "path_end"),
            Method = Str(e, "method"),
            Times = Int(e, "times") is long t ? (int)t : 1,
            Status = Int(e, "status") is long s ? (int)s : null,
            Headers = headers,
            Body = Str(e, "body"),
            ContentType = Str(e, "content_type"),
            CutAfterBytes = Int(e, "cut_after_bytes"),
            StallAfterBytes = Int(e, "stall_after_bytes"),
            DelayMs = Int(e, "delay_ms") is long d ? (int)d : 0,
            RedirectTo = Str(e, "redirect_to"),
            IgnoreRange = e.TryGetProperty("ignore_range", out JsonElement ir) && ir.ValueKind == JsonValueKind.True,
        };
        if (spec.CutAfterBytes < 0 || spec.StallAfterBytes < 0 || spec.DelayMs < 0) throw new FormatException("byte counts and delay_ms must be >= 0");
        if (spec.Status is < 100 or > 999) throw new FormatException("status must be 100..999");
        if (spec.RedirectTo is { } r && r != "storage" && !Uri.TryCreate(r, UriKind.Absolute, out _))
            throw new FormatException("redirect_to must be \"storage\" or an absolute URL");
        return spec;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}

/// <summary>The pending faults, matched in the order they were added.</summary>
public sealed class FaultStore
{
    private sealed class Entry(FaultSpec spec)
    {
        public FaultSpec Spec { get; } = spec;
        public int Remaining { get; set; } = spec.Times;
    }

    private readonly object _lock = new();
    private readonly List<Entry> _entries = new();

    public void Add(FaultSpec spec)
    {
        lock (_lock) _entries.Add(new Entry(spec));
    }

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }

    public IReadOnlyList<(FaultSpec Spec, int Remaining)> Pending()
    {
        lock (_lock) return _entries.Select(e => (e.Spec, e.Remaining)).ToList();
    }

    /// <summary>Consumes one use of the first fault matching this request, if any.</summary>
    public FaultSpec? TryTake(string path, string method)
    {
        lock (_lock)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = _entries[i];
                if (e.Remaining == 0) continue;
                if (!string.IsNullOrEmpty(e.Spec.Path) && !path.Contains(e.Spec.Path, StringComparison.Ordinal)) continue;
                if (!string.IsNullOrEmpty(e.Spec.PathEnd) && !path.EndsWith(e.Spec.PathEnd, StringComparison.Ordinal)) continue;
                if (!string.IsNullOrEmpty(e.Spec.Method) && !string.Equals(e.Spec.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (e.Remaining > 0 && --e.Remaining == 0) _entries.RemoveAt(i);
                return e.Spec;
            }
            return null;
        }
    }
}
