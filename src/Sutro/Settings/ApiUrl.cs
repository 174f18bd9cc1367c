using System;
using System.Net;

namespace Sutro.Settings;

/// <summary>The rules a Sutro API URL must follow, as the Python SDK applies them.</summary>
public static class ApiUrl
{
    /// <summary>The central host of the results reference; it takes no <c>/v1</c> prefix.</summary>
    public static readonly Uri CentralHost = new("https://api.sutro.sh/");

    /// <summary>
    /// Checks and normalises a URL: https (or http to a loopback host) only, no user:password@,
    /// no query or fragment; a URL with no path gets <c>/v1</c> (the central host excepted); the
    /// result always ends with '/', so relative paths resolve beneath it.
    /// </summary>
    public static Uri Normalize(string text)
    {
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"'{text}' is not an absolute http(s) URL. Give the API URL as https://<host>[/v1].");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ArgumentException("The API URL must not hold a user name or password (user:password@host). Pass the key with -ApiKey instead.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException("The API URL must not hold a query (?...) or fragment (#...).");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new ArgumentException($"The API URL '{uri.GetLeftPart(UriPartial.Authority)}' uses plain http; the key would travel unencrypted. Use https (plain http is allowed only for localhost).");
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length == 0 && !IsCentralHost(uri))
        {
            path = "/v1";
        }

        var builder = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path + "/");
        return builder.Uri;
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    public static bool IsCentralHost(Uri uri) =>
        string.Equals(uri.Host, CentralHost.Host, StringComparison.OrdinalIgnoreCase) && uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort;

    /// <summary>True when two normalised URLs name the same endpoint (scheme, host, port and path).</summary>
    public static bool SameEndpoint(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The scheme, host and port: where a key may be sent.</summary>
    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
