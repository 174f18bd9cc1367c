using System;

namespace Sutro.Http;

/// <summary>Which redirects are followed: http(s) only, never from https down to plain http.</summary>
internal static class RedirectPolicy
{
    /// <summary>Why a redirect from <paramref name="from"/> to <paramref name="to"/> is refused, or null to follow it.</summary>
    public static string? Refusal(Uri from, Uri to)
    {
        if (to.Scheme != Uri.UriSchemeHttps && to.Scheme != Uri.UriSchemeHttp)
        {
            return $"The server redirected to a '{to.Scheme}' URL; only http(s) is followed.";
        }

        if (from.Scheme == Uri.UriSchemeHttps && to.Scheme == Uri.UriSchemeHttp)
        {
            return $"The server redirected from https to plain http ({Settings.ApiUrl.Origin(to)}); refusing to downgrade the connection.";
        }

        return null;
    }
}
