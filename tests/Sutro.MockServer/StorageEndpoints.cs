using System;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Sutro.MockServer;

/// <summary>
/// The storage origin's pre-signed artifact links: <c>GET/HEAD /artifact/{token}</c>, no auth, ETag,
/// <c>Accept-Ranges: bytes</c>, <c>Range: bytes=N-</c> (or N-M) honoured unless a non-matching <c>If-Range</c>.
/// </summary>
public static class StorageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/artifact/{token}", new[] { "GET", "HEAD" }, Artifact);
    }

    private static async Task Artifact(HttpContext ctx)
    {
        IServiceProvider services = ctx.RequestServices;
        if (!services.GetRequiredService<Origins>().IsStorage(ctx))
        {
            await HttpOut.Detail(ctx, 404, "Not Found");
            return;
        }
        string token = (string)ctx.Request.RouteValues["token"]!;
        if (services.GetRequiredService<ArtifactTokens>().Find(token) is not { } grant)
        {
            await HttpOut.Detail(ctx, 404, "NoSuchKey");
            return;
        }
        if (grant.Expires < DateTimeOffset.UtcNow)
        {
            await HttpOut.Detail(ctx, 403, "Request has expired");
            return;
        }
        if (services.GetRequiredService<JobCatalog>().Find(grant.JobId) is not { } def)
        {
            await HttpOut.Detail(ctx, 404, "NoSuchKey");
            return;
        }
        var query = new ResultQuery(ResultFormat.Parquet, grant.IncludeInputs, grant.IncludeLogprobs);
        ResultBody body = await services.GetRequiredService<ResultStore>().GetAsync(def, query);
        long length = body.Length;

        HttpResponse r = ctx.Response;
        r.Headers.ETag = body.ETag;
        r.Headers.AcceptRanges = "bytes";
        r.Headers.LastModified = "Fri, 20 Nov 2026 10:05:00 GMT";
        r.ContentType = "application/octet-stream";

        long start = 0, end = length - 1;
        int status = 200;
        string? ifRange = ctx.Request.Headers.IfRange;
        if (TryParseRange(ctx.Request.Headers.Range, out long from, out long? to)
            && (string.IsNullOrEmpty(ifRange) || ifRange == body.ETag))
        {
            if (from >= length)
            {
                r.StatusCode = 416;
                r.Headers.ContentRange = $"bytes */{length}";
                r.ContentLength = 0;
                return;
            }
            start = from;
            end = Math.Min(to ?? length - 1, length - 1);
            status = 206;
            r.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end}/{length}");
        }
        r.StatusCode = status;
        r.ContentLength = end - start + 1;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await ResultsEndpoints.SendAsync(ctx, () => body.WriteRangeAsync(r.Body, start, end - start + 1, ctx.RequestAborted));
    }

    /// <summary>Parses a single <c>bytes=N-</c> or <c>bytes=N-M</c> range (suffix and multi ranges are ignored).</summary>
    private static bool TryParseRange(string? header, out long from, out long? to)
    {
        from = 0;
        to = null;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return false;
        string spec = header[6..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal)) return false;
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0) return false;
        if (!long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out from)) return false;
        string rest = spec[(dash + 1)..];
        if (rest.Length == 0) return true;
        if (!long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out long t) || t < from) return false;
        to = t;
        return true;
    }
}
