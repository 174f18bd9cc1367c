using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>
/// Routes made missing, as on a deployment that does not have them (<c>POST /_mock/routes</c>
/// <c>{"missing": "results-url", "status": 404}</c>; reset restores them): every request to such a route is
/// answered as a FastAPI server answers a route it lacks, 404 <c>{"detail": "Not Found"}</c> whatever the job,
/// or 405/501 when asked, before the job or the query is looked at.
/// </summary>
public sealed class MissingRoutes
{
    /// <summary>The routes that can be made missing: the three ways to get results.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "results", "results-url", "job-results" };

    private readonly object _lock = new();
    private readonly Dictionary<string, int> _missing = new(StringComparer.Ordinal);

    public void Set(string route, int status)
    {
        lock (_lock) _missing[route] = status;
    }

    public void Clear()
    {
        lock (_lock) _missing.Clear();
    }

    /// <summary>Parses a control body: <c>missing</c> (one of <see cref="Names"/>) and <c>status</c> (404, 405 or 501; 404 by default).</summary>
    public static (string Route, int Status) Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("missing", out JsonElement m) || m.ValueKind != JsonValueKind.String
            || Array.IndexOf((string[])Names, m.GetString()) < 0)
        {
            throw new FormatException("missing must be one of: " + string.Join(", ", Names));
        }
        int status = 404;
        if (e.TryGetProperty("status", out JsonElement s))
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out status) || status is not (404 or 405 or 501))
                throw new FormatException("status must be 404, 405 or 501");
        }
        return (m.GetString()!, status);
    }

    /// <summary>Answers the request as a missing route when <paramref name="route"/> is made missing; true when it did.</summary>
    public static async Task<bool> AnswerAsync(HttpContext ctx, string route)
    {
        var routes = ctx.RequestServices.GetRequiredService<MissingRoutes>();
        int status;
        lock (routes._lock)
        {
            if (!routes._missing.TryGetValue(route, out status)) return false;
        }
        await HttpOut.Detail(ctx, status, status switch { 405 => "Method Not Allowed", 501 => "Not Implemented", _ => "Not Found" });
        return true;
    }
}
