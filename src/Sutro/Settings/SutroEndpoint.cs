using System;
using System.Net;

namespace Sutro.Settings;

/// <summary>
/// Where to send requests and the key to send: a key is bound to the URL it was configured for.
/// <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class SutroEndpoint
{
    private readonly string _key;

    public SutroEndpoint(Uri baseUri, string key, string source)
    {
        BaseUri = baseUri;
        _key = key;
        Source = source;
    }

    /// <summary>The normalised base URL, ending with '/'.</summary>
    public Uri BaseUri { get; }

    /// <summary>Where the settings came from, for messages (never the key itself).</summary>
    public string Source { get; }

    internal string Key => _key;

    /// <summary>The proxy Connect-Sutro was given, used for this endpoint's requests unless a call gives -Proxy.</summary>
    public Uri? Proxy { get; init; }

    internal NetworkCredential? ProxyCredential { get; init; }

    public override string ToString() => $"{BaseUri} (key from {Source})";
}
