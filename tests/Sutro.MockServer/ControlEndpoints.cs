using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>The test control API (no auth, API origin root only): jobs, faults, missing routes, request log, reset.</summary>
public static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/_mock/jobs", AddJob);
        app.MapPost("/_mock/faults", AddFault);
        app.MapGet("/_mock/faults", ListFaults);
        app.MapPost("/_mock/routes", SetMissingRoute);
        app.MapGet("/_mock/requests", (RequestDelegate)(ctx => Guard(ctx, () =>
            HttpOut.Json(ctx, 200, ctx.RequestServices.GetRequiredService<RequestLog>().WriteJson))));
        app.MapPost("/_mock/reset", Reset);
    }

    private static Task Guard(HttpContext ctx, Func<Task> action) =>
        ctx.RequestServices.GetRequiredService<Origins>().IsStorage(ctx) ? HttpOut.Detail(ctx, 404, "Not Found") : action();

    private static Task AddJob(HttpContext ctx) => Guard(ctx, async () =>
    {
        JobDefinition def;
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            def = JobDefinitionParser.Parse(doc.RootElement, ctx.RequestServices.GetRequiredService<ServerOptions>().FixturesDir);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or System.IO.IOException)
        {
            await HttpOut.Detail(ctx, 400, "Invalid job definition: " + ex.Message);
            return;
        }
        var catalog = ctx.RequestServices.GetRequiredService<JobCatalog>();
        catalog.Upsert(def);
        Prune(ctx, catalog);
        await Ok(ctx, w => w.WriteString("job_id", def.JobId));
    });

    private static Task AddFault(HttpContext ctx) => Guard(ctx, async () =>
    {
        FaultSpec spec;
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            spec = FaultSpec.Parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await HttpOut.Detail(ctx, 400, "Invalid fault: " + ex.Message);
            return;
        }
        ctx.RequestServices.GetRequiredService<FaultStore>().Add(spec);
        await Ok(ctx, _ => { });
    });

    private static Task SetMissingRoute(HttpContext ctx) => Guard(ctx, async () =>
    {
        (string Route, int Status) missing;
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            missing = MissingRoutes.Parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await HttpOut.Detail(ctx, 400, "Invalid route switch: " + ex.Message);
            return;
        }
        ctx.RequestServices.GetRequiredService<MissingRoutes>().Set(missing.Route, missing.Status);
        await Ok(ctx, w => w.WriteString("missing", missing.Route));
    });

    private static Task ListFaults(HttpContext ctx) => Guard(ctx, () =>
    {
        var pending = ctx.RequestServices.GetRequiredService<FaultStore>().Pending();
        return HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartArray();
            foreach (var (spec, remaining) in pending)
            {
                w.WriteStartObject();
                w.WriteString("path", spec.Path);
                w.WriteNumber("remaining", remaining);
                if (spec.Status is int s) w.WriteNumber("status", s);
                else w.WriteNull("status");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    });

    private static Task Reset(HttpContext ctx) => Guard(ctx, () =>
    {
        IServiceProvider s = ctx.RequestServices;
        s.GetRequiredService<FaultStore>().Clear();
        s.GetRequiredService<MissingRoutes>().Clear();
        s.GetRequiredService<RequestLog>().Clear();
        s.GetRequiredService<SubmissionScript>().Clear();
        var catalog = s.GetRequiredService<JobCatalog>();
        catalog.Reset();
        Prune(ctx, catalog);
        return Ok(ctx, _ => { });
    });

    private static void Prune(HttpContext ctx, JobCatalog catalog) =>
        ctx.RequestServices.GetRequiredService<ResultStore>().Retain(catalog.List().Select(j => j.Def.Version).ToList());

    private static Task Ok(HttpContext ctx, Action<Utf8JsonWriter> more) => HttpOut.Json(ctx, 200, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        more(w);
        w.WriteEndObject();
    });
}
