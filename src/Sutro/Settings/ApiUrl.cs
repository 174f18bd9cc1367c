using System;
using System.Net;

namespace Sutro.Settings;

/// <summary>The rules a Sutro API URL must follow, as the Python SDK applies them.</summary>
public static class ApiUrl
{
    /// <summary>What to do instead of using a retired host (the SDK's own advice).</summary>
    internal const string RetiredHostAdvice =
        "Direct Sutro Batch API access is no longer supported. Set SUTRO_API_URL (or Connect-Sutro -ApiUrl) to " +
        "your Sutro deployment's URL, and use an API key from that deployment's API Keys panel.";

    /// <summary>
    /// Checks and normalises a URL: https (or http to a loopback host) only, no user:password@,
    /// no query or fragment, a path that is empty or <c>/v1</c>, and not one of the retired central
    /// hosts. The result is <c>&lt;origin&gt;/v1/</c>, so relative paths resolve beneath it.
    /// <paramref name="origin"/> (where the URL came from) starts the message of a refusal.
    /// </summary>
    /// <exception cref="SettingsException">SettingsInvalid, or RetiredApiHost for a retired host.</exception>
    public static Uri Normalize(string? text, string? origin = null)
    {
        string prefix = origin is null ? string.Empty : origin + ": ";
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Host.Length == 0)
        {
            // The text itself is not echoed: a key given in the URL's place must not reach the message.
            throw Invalid(prefix + "The API URL is not an absolute http(s) URL. Give your Sutro deployment's " +
                "URL as https://<host>[/v1].");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw Invalid(prefix + "The API URL must not hold a user name or password (user:password@host). " +
                "Pass the key with -ApiKey instead.");
        }

        if (IsRetiredHost(uri))
        {
            throw new SettingsException(
                prefix + $"{uri.Host} is a retired Sutro host and is never contacted. " + RetiredHostAdvice,
                ErrorIds.RetiredApiHost);
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Invalid(prefix + "The API URL must not hold a query (?...) or fragment (#...).");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw Invalid(prefix + $"The API URL '{uri.GetLeftPart(UriPartial.Authority)}' uses plain http; the " +
                "key would travel unencrypted. Use https (plain http is allowed only for localhost).");
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length != 0 && !string.Equals(path, "/v1", StringComparison.Ordinal))
        {
            throw Invalid(prefix + $"The API URL must be a Sutro deployment origin or end at its /v1 API prefix " +
                $"(https://<host> or https://<host>/v1), not '{uri.AbsolutePath}'.");
        }

        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, "/v1/").Uri;
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// The central hosts of the first generation of the service, retired: <c>api.sutro.sh</c> and its
    /// subdomains, <c>serve.sutro.sh</c>, <c>api.materialized.dev</c> and the
    /// <c>*--tensor-factory-fastapi-app.modal.run</c> apps. A key is never sent to them.
    /// </summary>
    public static bool IsRetiredHost(Uri uri)
    {
        string host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        return host == "api.sutro.sh"
            || host.EndsWith(".api.sutro.sh", StringComparison.Ordinal)
            || host == "serve.sutro.sh"
            || host == "api.materialized.dev"
            || host.EndsWith("--tensor-factory-fastapi-app.modal.run", StringComparison.Ordinal);
    }

    /// <summary>True when two normalised URLs name the same endpoint (scheme, host, port and path).</summary>
    public static bool SameEndpoint(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped,
            StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The scheme, host and port: where a key may be sent.</summary>
    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    private static SettingsException Invalid(string message) => new(message);
}
