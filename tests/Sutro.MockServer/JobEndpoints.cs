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

    private static Task ListJobs(HttpContext ctx)
    {
        var jobs = Catalog(ctx).List();
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("jobs");
            foreach (var (def, status) in jobs) JobJson.Write(w, def, status);
            w.WriteEndArray();
            w.WriteEndObject();
        });
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
