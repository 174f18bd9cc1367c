using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>
/// On the API origin every path but <c>/_mock/*</c> needs exactly <c>Authorization: Key &lt;apikey&gt;</c>.
/// The storage origin never checks (pre-signed links; cross-origin redirects land there).
/// </summary>
public static class AuthMiddleware
{
    public static async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        IServiceProvider services = ctx.RequestServices;
        if (Origins.IsControl(ctx) || services.GetRequiredService<Origins>().IsStorage(ctx))
        {
            await next(ctx);
            return;
        }
        string expected = "Key " + services.GetRequiredService<ServerOptions>().ApiKey;
        var header = ctx.Request.Headers.Authorization;
        if (header.Count == 1 && header[0] == expected)
        {
            await next(ctx);
            return;
        }
        await HttpOut.Detail(ctx, 401, "Invalid API key");
    }
}
