using System;
using System.Net;
using System.Net.Http;

namespace Sutro.Http;

/// <summary>
/// The one HttpClient of the process. Redirects are followed by <see cref="SutroApiClient"/> itself
/// (so the key is never carried to another origin and https is never downgraded); the system proxy
/// and HTTPS_PROXY/NO_PROXY apply through the handler's defaults.
/// </summary>
internal static class SutroHttp
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    })
    {
        // Time limits are applied per call (idle reads, overall timeouts), never by HttpClient.
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public static string UserAgent { get; } = "Sutro-PowerShell/" + typeof(SutroHttp).Assembly.GetName().Version?.ToString(3);
}
