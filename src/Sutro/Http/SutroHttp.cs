using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;

namespace Sutro.Http;

/// <summary>
/// The long-lived HttpClients of the process: one with the system proxy (which honours HTTPS_PROXY and
/// NO_PROXY), and one per explicit -Proxy. Redirects are followed by <see cref="SutroApiClient"/>
/// itself, so the key is never carried to another origin and https is never downgraded.
/// </summary>
internal static class SutroHttp
{
    private static readonly Lazy<HttpClient> SystemProxyClient = new(() => Create(null, decompress: true));
    private static readonly Lazy<HttpClient> SystemProxyDownloadClient = new(() => Create(null, decompress: false));
    private static readonly ConcurrentDictionary<string, HttpClient> ProxyClients = new();

    public static string UserAgent { get; } = "Sutro-PowerShell/" + typeof(SutroHttp).Assembly.GetName().Version?.ToString(3);

    /// <summary>How long establishing a TCP/TLS connection may take.</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The client for a proxy (null: the system's). A <paramref name="download"/> client never decompresses: a
    /// results file is saved as the bytes announced, so a transfer encoding cannot inflate it.
    /// </summary>
    public static HttpClient For(Uri? proxy, NetworkCredential? proxyCredential, bool download = false)
    {
        if (proxy is null)
        {
            return download ? SystemProxyDownloadClient.Value : SystemProxyClient.Value;
        }

        string key = (download ? "download|" : "api|") + proxy.AbsoluteUri + "|" + proxyCredential?.UserName + "|" + proxyCredential?.Domain + "|" + proxyCredential?.Password?.GetHashCode();
        return ProxyClients.GetOrAdd(key, _ => Create(new WebProxy(proxy) { Credentials = proxyCredential }, !download));
    }

    private static HttpClient Create(IWebProxy? proxy, bool decompress)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = decompress
                ? DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli
                : DecompressionMethods.None,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        if (proxy is not null)
        {
            handler.Proxy = proxy;
            handler.UseProxy = true;
        }

        // Time limits are applied per call (headers, idle reads), never by HttpClient as a whole.
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }
}
