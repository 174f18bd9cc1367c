using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Sutro.Settings;

/// <summary>
/// Finds the API URL and key, highest first: the call's -ApiUrl/-ApiKey; the session connection
/// (Connect-Sutro); the environment pair SUTRO_API_URL + SUTRO_API_KEY (if either is set, both come
/// from there); ~/.sutro/config.json (api_url, else base_url; api_key). A key is used only with
/// the URL it was configured with.
/// </summary>
public static class SettingsResolver
{
    private sealed record Source(string Name, Uri? Url, string? Key);

    /// <summary>The connection made by Connect-Sutro for this PowerShell session, if any.</summary>
    public static SutroEndpoint? SessionConnection { get; set; }

    public static string ConfigPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sutro", "config.json");

    public static SutroEndpoint Resolve(string? apiUrl, string? apiKey)
    {
        var sources = new List<Source>();
        Uri? explicitUrl = apiUrl is null ? null : ApiUrl.Normalize(apiUrl);
        sources.Add(new Source("-ApiUrl/-ApiKey", explicitUrl, string.IsNullOrEmpty(apiKey) ? null : apiKey));
        if (SessionConnection is { } session)
        {
            sources.Add(new Source("Connect-Sutro", session.BaseUri, session.Key));
        }

        string? envUrl = Environment.GetEnvironmentVariable("SUTRO_API_URL");
        string? envKey = Environment.GetEnvironmentVariable("SUTRO_API_KEY");
        if (!string.IsNullOrEmpty(envUrl) || !string.IsNullOrEmpty(envKey))
        {
            sources.Add(new Source(
                "the environment (SUTRO_API_URL, SUTRO_API_KEY)",
                string.IsNullOrEmpty(envUrl) ? ApiUrl.CentralHost : Checked(envUrl, "SUTRO_API_URL"),
                string.IsNullOrEmpty(envKey) ? null : envKey));
        }
        else if (ReadConfig() is { } config)
        {
            sources.Add(config);
        }

        // The URL: the first source that names one, else the central host. An explicit key with no
        // explicit URL goes with that URL: the caller chose to send it there.
        Uri url = explicitUrl ?? FirstUrl(sources) ?? ApiUrl.CentralHost;
        if (sources[0].Key is { } givenKey)
        {
            return new SutroEndpoint(url, givenKey, sources[0].Name);
        }

        foreach (var source in sources)
        {
            if (source.Key is not null && SameEndpoint(source.Url ?? ApiUrl.CentralHost, url))
            {
                return new SutroEndpoint(url, source.Key, source.Name);
            }
        }

        throw new SettingsException(
            $"No Sutro API key was found for {url}. Looked at: -ApiKey; a Connect-Sutro connection; the environment variables SUTRO_API_URL and SUTRO_API_KEY; the file {ConfigPath}. " +
            "A key is only used with the URL it was configured for. Run Connect-Sutro -ApiUrl <url> -ApiKey <key> [-Save], or set both environment variables.");
    }

    private static Uri? FirstUrl(List<Source> sources)
    {
        foreach (var source in sources)
        {
            if (source.Url is not null)
            {
                return source.Url;
            }
        }

        return null;
    }

    private static bool SameEndpoint(Uri a, Uri b) => Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static Uri Checked(string url, string origin)
    {
        try
        {
            return ApiUrl.Normalize(url);
        }
        catch (ArgumentException ex)
        {
            throw new SettingsException($"{origin}: {ex.Message}");
        }
    }

    private static Source? ReadConfig()
    {
        string path = ConfigPath;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            string? url = StringProperty(root, "api_url") ?? StringProperty(root, "base_url");
            string? key = StringProperty(root, "api_key");
            return new Source(path, string.IsNullOrEmpty(url) ? ApiUrl.CentralHost : Checked(url, path), string.IsNullOrEmpty(key) ? null : key);
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"The settings file {path} is not valid JSON ({ex.Message}). Fix it, or run Connect-Sutro -Save to rewrite it.");
        }
    }

    private static string? StringProperty(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Settings that cannot be used: no key, a refused URL, an unreadable settings file.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message) : base(message)
    {
    }
}
