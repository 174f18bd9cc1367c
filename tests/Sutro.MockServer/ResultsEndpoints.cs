using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>The three ways to get results: <c>GET jobs/{id}/results</c>, <c>GET jobs/{id}/results-url</c>, <c>POST job-results</c>.</summary>
public static class ResultsEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/jobs/{job_id}/results", Results);
        api.MapGet("/jobs/{job_id}/results-url", ResultsUrl);
        api.MapPost("/job-results", PostJobResults);
    }

    private static async Task Results(HttpContext ctx)
    {
        if (await MissingRoutes.AnswerAsync(ctx, "results")) return;
        var catalog = ctx.RequestServices.GetRequiredService<JobCatalog>();
        string id = HttpOut.RouteJobId(ctx);
        if (catalog.Find(id) is null)
        {
            await HttpOut.JobNotFound(ctx);
            return;
        }
        if (QueryFlags.Parse(ctx.Request.Query, out string? error) is not { } q)
        {
            await HttpOut.Detail(ctx, 400, error!);
            return;
        }
        if (await Gate(ctx, catalog, id) is not { } def) return;
        ResultBody body = await ctx.RequestServices.GetRequiredService<ResultStore>().GetAsync(def, q);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = body.ContentType;
        ctx.Response.ContentLength = body.Length;
        ctx.Response.Headers.ETag = body.ETag;
        if (q.Format != ResultFormat.Json)
        {
            string ext = q.Format == ResultFormat.Csv ? "zip" : "parquet";
            ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.{ext}\"";
        }
        await SendAsync(ctx, () => body.WriteToAsync(ctx.Response.Body, ctx.RequestAborted));
    }

    private static async Task ResultsUrl(HttpContext ctx)
    {
        if (await MissingRoutes.AnswerAsync(ctx, "results-url")) return;
        var catalog = ctx.RequestServices.GetRequiredService<JobCatalog>();
        string id = HttpOut.RouteJobId(ctx);
        if (catalog.Find(id) is null)
        {
            await HttpOut.JobNotFound(ctx);
            return;
        }
        if (QueryFlags.Parse(ctx.Request.Query, out string? error) is not { } q)
        {
            await HttpOut.Detail(ctx, 400, error!);
            return;
        }
        bool formatGiven = ctx.Request.Query.ContainsKey("format") || ctx.Request.Query.ContainsKey("result_format");
        if (formatGiven && q.Format != ResultFormat.Parquet)
        {
            await HttpOut.Detail(ctx, 400, "results-url only supports format=parquet");
            return;
        }
        int expires = 3600;
        string? e = ctx.Request.Query["expires_in_seconds"];
        if (e is not null && (!int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out expires) || expires < 1 || expires > 604800))
        {
            await HttpOut.Detail(ctx, 400, "expires_in_seconds must be between 1 and 604800");
            return;
        }
        if (await Gate(ctx, catalog, id) is not { } def) return;
        var pq = q with { Format = ResultFormat.Parquet };
        ResultBody body = await ctx.RequestServices.GetRequiredService<ResultStore>().GetAsync(def, pq);
        string token = ctx.RequestServices.GetRequiredService<ArtifactTokens>().Create(id, pq.IncludeInputs, pq.IncludeLogprobs, expires);
        string url = ctx.RequestServices.GetRequiredService<Origins>().StorageUrl + "/artifact/" + token;
        await HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("artifact");
            w.WriteString("bucket", "mock-bucket");
            w.WriteString("key", $"results/{id}.parquet");
            w.WriteString("filename", $"{id}.parquet");
            w.WriteNumber("size_bytes", body.Length);
            w.WriteEndObject();
            w.WriteStartObject("urls");
            w.WriteString("get", url);
            w.WriteString("head", url);
            w.WriteEndObject();
            w.WriteNumber("expires_in_seconds", expires);
            w.WriteEndObject();
        });
    }

    private static async Task PostJobResults(HttpContext ctx)
    {
        if (await MissingRoutes.AnswerAsync(ctx, "job-results")) return;
        var catalog = ctx.RequestServices.GetRequiredService<JobCatalog>();
        string? id;
        bool inputs, logprobs;
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            JsonElement root = doc.RootElement;
            id = root.TryGetProperty("job_id", out JsonElement j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
            inputs = Flag(root, "include_inputs");
            logprobs = Flag(root, "include_cumulative_logprobs");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await HttpOut.Detail(ctx, 400, "Invalid request body: " + ex.Message);
            return;
        }
        if (string.IsNullOrEmpty(id))
        {
            await HttpOut.Detail(ctx, 400, "job_id is required");
            return;
        }
        if (await Gate(ctx, catalog, id) is not { } def) return;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await SendAsync(ctx, async () =>
        {
            Stream target = ctx.Response.Body;
            using var buffer = def.Rows.Count > 20_000 ? null : new MemoryStream();
            await using (var w = new Utf8JsonWriter(buffer ?? target, JsonResultWriter.Options))
            {
                w.WriteStartObject();
                w.WritePropertyName("results");
                await JsonResultWriter.WriteObjectAsync(w, def, inputs, logprobs, ctx.RequestAborted);
                w.WriteString("message", "ok");
                w.WriteEndObject();
                await w.FlushAsync(ctx.RequestAborted);
            }
            if (buffer is not null)
            {
                ctx.Response.ContentLength = buffer.Length;
                await target.WriteAsync(buffer.ToArray(), ctx.RequestAborted);
            }
        });
    }

    private static bool Flag(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement v)) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.String when QueryFlags.TryParseBool(v.GetString(), out bool b) => b,
            _ => throw new FormatException($"{name} must be a boolean"),
        };
    }

    /// <summary>404 / 409 answers; the job definition when results may be served.</summary>
    private static async Task<JobDefinition?> Gate(HttpContext ctx, JobCatalog catalog, string id)
    {
        switch (catalog.CheckResults(id, out JobDefinition? def, out string status))
        {
            case ResultsGate.NotFound:
                await HttpOut.JobNotFound(ctx);
                return null;
            case ResultsGate.NotComplete:
                await HttpOut.Detail(ctx, 409, $"Job is not complete (status {status})");
                return null;
            case ResultsGate.NotReady:
                await HttpOut.Detail(ctx, 409, "Job results not ready yet");
                return null;
            default:
                return def;
        }
    }

    /// <summary>Writes a body, ignoring the client going away mid-way.</summary>
    public static async Task SendAsync(HttpContext ctx, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            ctx.Abort();
        }
    }
}
