using System;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace Sutro.MockServer;

/// <summary>Applies a pending fault (delay, ignored range, redirect, canned answer, cut or stalled body) to a matching request.</summary>
public static class FaultMiddleware
{
    public static async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        if (Origins.IsControl(ctx))
        {
            await next(ctx);
            return;
        }
        IServiceProvider services = ctx.RequestServices;
        FaultSpec? fault = services.GetRequiredService<FaultStore>().TryTake(ctx.Request.PathBase + ctx.Request.Path, ctx.Request.Method);
        if (fault is null)
        {
            await next(ctx);
            return;
        }
        ctx.Items[typeof(FaultSpec)] = fault;
        try
        {
            if (fault.DelayMs > 0) await Task.Delay(fault.DelayMs, ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (fault.IgnoreRange)
        {
            // Logged as sent (the log runs first), then served as a plain GET.
            ctx.Request.Headers.Remove("Range");
            ctx.Request.Headers.Remove("If-Range");
        }
        if (fault.Headers.Count > 0)
        {
            ctx.Response.OnStarting(() =>
            {
                foreach (var (name, value) in fault.Headers) ctx.Response.Headers[name] = new StringValues(value);
                return Task.CompletedTask;
            });
        }
        long? limit = fault.CutAfterBytes ?? fault.StallAfterBytes;
        FaultStream? wrapper = null;
        if (limit is long l)
        {
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            wrapper = new FaultStream(ctx.Response.Body, ctx, l, stall: fault.CutAfterBytes is null, stopping);
            ctx.Response.Body = wrapper;
        }

        if (fault.RedirectTo is string target)
        {
            string location = target == "storage"
                ? services.GetRequiredService<Origins>().StorageUrl + ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString
                : target;
            ctx.Response.StatusCode = fault.Status is >= 300 and < 400 ? fault.Status.Value : 302;
            ctx.Response.Headers.Location = location;
            ctx.Response.ContentLength = 0;
        }
        else if (fault.Status is int status)
        {
            string body = fault.Body ?? "";
            string contentType = fault.ContentType
                ?? (body.TrimStart().StartsWith('{') ? "application/json" : "text/plain; charset=utf-8");
            await ResultsEndpoints.SendAsync(ctx, () => HttpOut.Bytes(ctx, status, Encoding.UTF8.GetBytes(body), contentType));
        }
        else
        {
            await next(ctx);
        }
        if (wrapper is not null) await wrapper.CompleteAsync();
    }
}
