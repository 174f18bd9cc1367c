using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>One request as seen by either origin. Status is filled in when the response starts (or ends).</summary>
public sealed class RequestLogEntry
{
    public required string Origin { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string Query { get; init; }
    public string? Authorization { get; init; }
    public string? Range { get; init; }
    public string? IfRange { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
    public int Status { get; set; }
    public bool Fault { get; set; }
    /// <summary>The fields of a submitted job's body (JSON text), set by the submission endpoint.</summary>
    public string? Submission { get; set; }
    /// <summary>A submission's body exactly as received (up to 1 MiB), set by the submission endpoint.</summary>
    public string? Body { get; set; }
}

/// <summary>Every request on both origins since the last reset (the control API itself is not logged).</summary>
public sealed class RequestLog
{
    private readonly object _lock = new();
    private readonly List<RequestLogEntry> _entries = new();

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        lock (_lock)
        {
            w.WriteStartArray();
            foreach (RequestLogEntry e in _entries)
            {
                w.WriteStartObject();
                w.WriteString("origin", e.Origin);
                w.WriteString("method", e.Method);
                w.WriteString("path", e.Path);
                w.WriteString("query", e.Query);
                w.WriteString("authorization", e.Authorization);
                w.WriteString("range", e.Range);
                w.WriteString("if_range", e.IfRange);
                if (e.Status == 0) w.WriteNull("status");
                else w.WriteNumber("status", e.Status);
                w.WriteBoolean("fault", e.Fault);
                JobJson.WriteRaw(w, "submission", e.Submission);
                w.WriteString("body", e.Body);
                w.WriteStartObject("headers");
                foreach (var (name, value) in e.Headers) w.WriteString(name, value);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    public static async Task MiddlewareAsync(HttpContext ctx, RequestDelegate next)
    {
        if (Origins.IsControl(ctx))
        {
            await next(ctx);
            return;
        }
        HttpRequest req = ctx.Request;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in req.Headers) headers.Add(new(name, value.ToString()));
        var entry = new RequestLogEntry
        {
            Origin = ctx.RequestServices.GetRequiredService<Origins>().NameOf(ctx),
            Method = req.Method,
            Path = (req.PathBase + req.Path).ToString(),
            Query = req.QueryString.HasValue ? req.QueryString.Value![1..] : "",
            Authorization = req.Headers.Authorization.Count == 0 ? null : req.Headers.Authorization.ToString(),
            Range = req.Headers.Range.Count == 0 ? null : req.Headers.Range.ToString(),
            IfRange = req.Headers.IfRange.Count == 0 ? null : req.Headers.IfRange.ToString(),
            Headers = headers,
        };
        RequestLog log = ctx.RequestServices.GetRequiredService<RequestLog>();
        lock (log._lock) log._entries.Add(entry);
        ctx.Items[typeof(RequestLogEntry)] = entry;
        ctx.Response.OnStarting(() =>
        {
            entry.Status = ctx.Response.StatusCode;
            entry.Fault = ctx.Items.ContainsKey(typeof(FaultSpec));
            return Task.CompletedTask;
        });
        try
        {
            await next(ctx);
        }
        finally
        {
            if (entry.Status == 0) entry.Status = ctx.Response.StatusCode;
            entry.Fault = ctx.Items.ContainsKey(typeof(FaultSpec));
        }
    }
}
