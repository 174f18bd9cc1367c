using System;

namespace Sutro;

/// <summary>
/// Where the module sends requests and whether the key is accepted there. PowerShell shows the type
/// as <c>Sutro.Connection</c>. It never holds the key, only where the key was found.
/// </summary>
public sealed class Connection
{
    public Connection(Uri apiUrl, string keySource, bool authenticated)
    {
        ApiUrl = apiUrl;
        KeySource = keySource;
        Authenticated = authenticated;
    }

    /// <summary>The normalised API URL.</summary>
    public Uri ApiUrl { get; }

    /// <summary>Where the key came from: -ApiUrl/-ApiKey, Connect-Sutro, the environment, or the settings file's path.</summary>
    public string KeySource { get; }

    /// <summary>True when the API accepted the key.</summary>
    public bool Authenticated { get; }

    public override string ToString() => ApiUrl.ToString();
}
