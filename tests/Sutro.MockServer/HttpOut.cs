using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sutro.MockServer;

/// <summary>Response helpers: every body is sent with a Content-Length.</summary>
public static class HttpOut
{
    public static async Task Bytes(HttpContext ctx, int status, byte[] body, string contentType)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method))
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    public static Task Json(HttpContext ctx, int status, Action<Utf8JsonWriter> write) =>
        Bytes(ctx, status, JsonBytes(write), "application/json");

    public static byte[] JsonBytes(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, JsonResultWriter.Options)) write(w);
        return ms.ToArray();
    }

    /// <summary>FastAPI-style error: <c>{"detail": "..."}</c>.</summary>
    public static Task Detail(HttpContext ctx, int status, string detail) => Json(ctx, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("detail", detail);
        w.WriteEndObject();
    });

    public static Task JobNotFound(HttpContext ctx) => Detail(ctx, 404, "Job not found");

    public static string RouteJobId(HttpContext ctx) => (string)ctx.Request.RouteValues["job_id"]!;
}
