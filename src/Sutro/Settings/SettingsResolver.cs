using System;
using System.Collections.Generic;
using System.Linq;

namespace Sutro.Settings;

/// <summary>
/// Finds the API URL and key, highest first: the call's -ApiUrl/-ApiKey; the session connection
/// (Connect-Sutro); the environment pair SUTRO_API_URL + SUTRO_API_KEY (if either is set, both come
/// from there); ~/.sutro/config.json (api_url, else base_url; api_key). With no URL anywhere, the
/// central host. A key is used only with the URL it was configured with.
/// </summary>
public static class SettingsResolver
{
    internal const string ParameterSource = "-ApiUrl/-ApiKey";
    internal const string SessionSource = "Connect-Sutro";
    internal const string EnvironmentSource = "the environment (SUTRO_API_URL, SUTRO_API_KEY)";

    private sealed record Source(string Name, Uri? Url, string? Key);

    /// <summary>
    /// The connection made by Connect-Sutro, kept for this PowerShell process (its runspaces share it,
    /// so ForEach-Object -Parallel sees it too) until Disconnect-Sutro.
    /// </summary>
    public static SutroEndpoint? SessionConnection { get; set; }

    public static string ConfigPath => SutroConfigFile.DefaultPath;

    public static SutroEndpoint Resolve(string? apiUrl, string? apiKey) =>
        Resolve(apiUrl, apiKey, SessionConnection, Environment.GetEnvironmentVariable, ConfigPath);

    /// <summary>The resolution itself, with every input given (so it can be tested without touching the process).</summary>
    internal static SutroEndpoint Resolve(string? apiUrl, string? apiKey, SutroEndpoint? session, Func<string, string?> environment, string configPath)
    {
        Uri? explicitUrl = apiUrl is null ? null : Checked(apiUrl, "-ApiUrl");
        string? explicitKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;

        // The sources below the call's own, read only when reached (a broken settings file does not
        // matter while Connect-Sutro or the environment answers first), and each read once.
        var config = new Lazy<Source?>(() => SutroConfigFile.Read(configPath) is { } saved
            ? new Source(configPath, saved.Url is null ? null : Checked(saved.Url, configPath), saved.Key)
            : null);
        IEnumerable<Source> Lower()
        {
            if (session is not null)
            {
                yield return new Source(SessionSource, session.BaseUri, session.Key);
            }

            string? envUrl = environment("SUTRO_API_URL");
            string? envKey = environment("SUTRO_API_KEY");
            if (!string.IsNullOrEmpty(envUrl) || !string.IsNullOrEmpty(envKey))
            {
                yield return new Source(
                    EnvironmentSource,
                    string.IsNullOrEmpty(envUrl) ? null : Checked(envUrl, "SUTRO_API_URL"),
                    string.IsNullOrEmpty(envKey) ? null : envKey);
            }
            else if (config.Value is { } saved)
            {
                yield return saved;
            }
        }

        // The URL: the call's, else the first source that names one, else the central host. A key
        // given with the call goes with that URL: the caller chose to send it there.
        Uri url = explicitUrl ?? Lower().Select(source => source.Url).FirstOrDefault(found => found is not null) ?? ApiUrl.CentralHost;
        if (explicitKey is not null)
        {
            return new SutroEndpoint(url, explicitKey, ParameterSource);
        }

        foreach (var source in Lower())
        {
            if (source.Key is not null && ApiUrl.SameEndpoint(source.Url ?? ApiUrl.CentralHost, url))
            {
                // A call that uses the connection's key goes through the proxy Connect-Sutro was given, if any.
                bool connection = session is not null && source.Name == SessionSource;
                return new SutroEndpoint(url, source.Key, source.Name)
                {
                    Proxy = connection ? session!.Proxy : null,
                    ProxyCredential = connection ? session!.ProxyCredential : null,
                };
            }
        }

        throw new SettingsException(
            $"No Sutro API key was found for {url}. Looked at: -ApiKey; a Connect-Sutro connection; the environment variables SUTRO_API_URL and SUTRO_API_KEY; the file {configPath}. " +
            "A key is only used with the URL it was configured for. Run Connect-Sutro -ApiUrl <url> -ApiKey <key> [-Save], or set both environment variables.",
            "ApiKeyNotFound")
        {
            ApiUrl = url,
        };
    }

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
}

/// <summary>Settings that cannot be used: no key (ApiKeyNotFound), a refused URL, an unreadable settings file (SettingsInvalid).</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message, string errorId = "SettingsInvalid") : base(message)
    {
        ErrorId = errorId;
    }

    /// <summary>The stable id of the error record: ApiKeyNotFound or SettingsInvalid.</summary>
    public string ErrorId { get; }

    /// <summary>The URL no key was found for (ApiKeyNotFound only).</summary>
    public Uri? ApiUrl { get; init; }

    /// <summary>True when the settings are usable but hold no key for the URL.</summary>
    public bool IsMissingKey => ErrorId == "ApiKeyNotFound";
}
