using Microsoft.AspNetCore.Http;

namespace Sutro.MockServer;

/// <summary>The two loopback origins: the API and the "storage" one (pre-signed links, cross-origin redirects).</summary>
public sealed class Origins
{
    public int ApiPort { get; set; }
    public int StoragePort { get; set; }
    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
    public string StorageUrl => $"http://127.0.0.1:{StoragePort}";

    public bool IsStorage(HttpContext ctx) => ctx.Connection.LocalPort == StoragePort;

    public string NameOf(HttpContext ctx) => IsStorage(ctx) ? "storage" : "api";

    /// <summary>True for the test control paths (<c>/_mock/...</c>), which skip auth, faults and the log.</summary>
    public static bool IsControl(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/_mock");
}
