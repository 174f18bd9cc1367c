using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>Job endpoints other than results: status, job object, list, cancel, progress, quotas, auth check.</summary>
public static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/job-status/{job_id}", JobStatus);
        api.MapGet("/jobs/{job_id}", Job);
        api.MapGet("/list-jobs", ListJobs);
        api.MapMethods("/job-cancel/{job_id}", new[] { "GET", "POST" }, Cancel);
        api.MapGet("/stream-job-progress/{job_id}", Progress);
        api.MapGet("/get-quotas", Quotas);
        api.MapGet("/try-authentication", (RequestDelegate)(ctx => HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("authenticated", true);
            w.WriteEndObject();
        })));
        api.MapGet("/auth/check", (RequestDelegate)(ctx => HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("authenticated", true);
            w.WriteString("principal_type", "api_key");
            w.WriteString("deployment", "mock");
            w.WriteEndObject();
        })));
    }

    private static JobCatalog Catalog(HttpContext ctx) => ctx.RequestServices.GetRequiredService<JobCatalog>();

    private static Task JobStatus(HttpContext ctx)
    {
        string id = HttpOut.RouteJobId(ctx);
        if (Catalog(ctx).ReadStatus(id) is not var (def, status)) return HttpOut.JobNotFound(ctx);
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", "ok");
            w.WriteStartObject("job_status");
            w.WriteString(id, status);
            w.WriteEndObject();
            if (def.FailureReason is not null && status.Equals("FAILED", System.StringComparison.OrdinalIgnoreCase))
            {
                w.WriteStartObject("metadata");
                JobJson.WriteRaw(w, "failure_reason", def.FailureReason);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("metadata");
            }
            w.WriteEndObject();
        });
    }

    private static Task Job(HttpContext ctx)
    {
        if (Catalog(ctx).ReadStatus(HttpOut.RouteJobId(ctx)) is not var (def, status)) return HttpOut.JobNotFound(ctx);
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("job");
            JobJson.Write(w, def, status);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>list-jobs</c>, newest first (by datetime_created; jobs without one first, as a descending ORDER BY puts
    /// NULLs in PostgreSQL). With <c>limit</c> (1..100): one page and an opaque
    /// <c>next_cursor</c> (null on the last page); without it: every job and a message, as older servers answer.
    /// </summary>
    private static Task ListJobs(HttpContext ctx)
    {
        var jobs = Catalog(ctx).List()
            .Select((job, order) => (job.Def, job.Status, order))
            .OrderByDescending(j => j.Def.DatetimeCreated is null)
            .ThenByDescending(j => j.Def.DatetimeCreated, System.StringComparer.Ordinal).ThenBy(j => j.order)
            .ToList();
        string? limitText = ctx.Request.Query["limit"];
        if (limitText is null)
        {
            return HttpOut.Json(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("message", "ok");
                w.WriteStartArray("jobs");
                foreach (var (def, status, _) in jobs) JobJson.Write(w, def, status);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out int limit) || limit is < 1 or > 100)
        {
            return HttpOut.Detail(ctx, 422, "limit must be between 1 and 100");
        }
        int start = 0;
        string? cursor = ctx.Request.Query["cursor"];
        if (cursor is not null && !TryReadCursor(cursor, out start))
        {
            return HttpOut.Detail(ctx, 400, "invalid cursor");
        }
        var page = jobs.Skip(start).Take(limit).ToList();
        int next = start + page.Count;
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("jobs");
            foreach (var (def, status, _) in page) JobJson.Write(w, def, status);
            w.WriteEndArray();
            if (next < jobs.Count) w.WriteString("next_cursor", System.Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + next)));
            else w.WriteNull("next_cursor");
            w.WriteEndObject();
        });
    }

    private static bool TryReadCursor(string cursor, out int start)
    {
        start = 0;
        try
        {
            string text = Encoding.UTF8.GetString(System.Convert.FromBase64String(cursor));
            return text.StartsWith("offset:", System.StringComparison.Ordinal)
                && int.TryParse(text.Substring(7), NumberStyles.None, CultureInfo.InvariantCulture, out start);
        }
        catch (System.FormatException)
        {
            return false;
        }
    }

    private static Task Cancel(HttpContext ctx)
    {
        string id = HttpOut.RouteJobId(ctx);
        if (!Catalog(ctx).Cancel(id)) return HttpOut.JobNotFound(ctx);
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("message", "Job cancellation requested");
            w.WriteString("job_id", id);
            w.WriteEndObject();
        });
    }

    private static async Task Progress(HttpContext ctx)
    {
        if (Catalog(ctx).Find(HttpOut.RouteJobId(ctx)) is not { } def)
        {
            await HttpOut.JobNotFound(ctx);
            return;
        }
        ctx.Response.ContentType = "application/x-ndjson";
        int n = def.Rows.Count;
        try
        {
            foreach (int done in new[] { n / 4, n / 2, 3 * n / 4, n })
            {
                await WriteLine(ctx, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("update_type", "progress");
                    w.WriteNumber("result", done);
                    w.WriteEndObject();
                });
                await Task.Delay(25, ctx.RequestAborted);
            }
            // Token updates carry any subset of their fields: the input count alone first, then a higher
            // rate with the output count, then all three.
            await WriteLine(ctx, w =>
            {
                w.WriteStartObject();
                w.WriteString("update_type", "tokens");
                w.WriteStartObject("result");
                w.WriteNumber("input_tokens", 6L * n);
                w.WriteEndObject();
                w.WriteEndObject();
            });
            await WriteLine(ctx, w =>
            {
                w.WriteStartObject();
                w.WriteString("update_type", "tokens");
                w.WriteStartObject("result");
                w.WriteNumber("output_tokens", 10L * n);
                w.WriteNumber("total_tokens_processed_per_second", 2000.0);
                w.WriteEndObject();
                w.WriteEndObject();
            });
            await WriteLine(ctx, w =>
            {
                w.WriteStartObject();
                w.WriteString("update_type", "tokens");
                w.WriteStartObject("result");
                w.WriteNumber("input_tokens", 12L * n);
                w.WriteNumber("output_tokens", 34L * n);
                w.WriteNumber("total_tokens_processed_per_second", 1234.5);
                w.WriteEndObject();
                w.WriteEndObject();
            });
        }
        catch (System.OperationCanceledException)
        {
        }
    }

    private static async Task WriteLine(HttpContext ctx, System.Action<Utf8JsonWriter> write)
    {
        byte[] line = HttpOut.JsonBytes(write);
        await ctx.Response.Body.WriteAsync(line, ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static Task Quotas(HttpContext ctx) => HttpOut.Json(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("quotas");
        foreach (var (priority, rows, tokens) in new[] { (0, 100_000, 50_000_000), (1, 10_000, 5_000_000) })
        {
            w.WriteStartObject();
            w.WriteNumber("priority", priority);
            w.WriteNumber("row_quota", rows);
            w.WriteNumber("token_quota", tokens);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
