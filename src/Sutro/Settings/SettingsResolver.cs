using System;
using System.Management.Automation;
using System.Collections.Generic;
using System.Linq;

namespace Sutro.Settings;

/// <summary>
/// Finds the API URL and key, highest first: the call's -ApiUrl/-ApiKey; the session connection
/// (Connect-Sutro); the environment pair SUTRO_API_URL + SUTRO_API_KEY (if either is set, both come
/// from there); ~/.sutro/config.json (api_url, else base_url; api_key). There is no default URL, and
/// the retired central hosts are refused from every source. A key is used only with the URL it was
/// configured with; a key given with the call pairs with -ApiUrl, the connection or SUTRO_API_URL,
/// never with the URL saved in the file (that URL belongs to the key saved with it).
/// </summary>
public static class SettingsResolver
{
    internal const string ParameterSource = "-ApiUrl/-ApiKey";
    internal const string SessionSource = "Connect-Sutro";
    internal const string EnvironmentSource = "the environment (SUTRO_API_URL, SUTRO_API_KEY)";

    /// <summary>One place settings come from; <paramref name="KeyName"/> names its key in messages.</summary>
    private sealed record Source(string Name, Uri? Url, string? Key, string KeyName);

    /// <summary>
    /// The connection made by Connect-Sutro, kept for this PowerShell process (its runspaces share it,
    /// so ForEach-Object -Parallel sees it too) until Disconnect-Sutro.
    /// </summary>
    public static SutroEndpoint? SessionConnection { get; set; }

    public static string ConfigPath => SutroConfigFile.DefaultPath;

    public static SutroEndpoint Resolve(string? apiUrl, string? apiKey) =>
        Resolve(apiUrl, apiKey, SessionConnection, Environment.GetEnvironmentVariable, ConfigPath);

    /// <summary>The resolution itself, with every input given (so it can be tested without touching the process).</summary>
    internal static SutroEndpoint Resolve(string? apiUrl, string? apiKey, SutroEndpoint? session,
        Func<string, string?> environment, string configPath)
    {
        Uri? explicitUrl = apiUrl is null ? null : ApiUrl.Normalize(apiUrl, "-ApiUrl");
        string? explicitKey = ApiKeyText.Clean(apiKey, "-ApiKey");

        string? envUrlText = Present(environment("SUTRO_API_URL"));
        string? envKeyText = Present(environment("SUTRO_API_KEY"));
        bool fromEnvironment = envUrlText is not null || envKeyText is not null;
        var envUrl = new Lazy<Uri?>(() => envUrlText is null ? null : ApiUrl.Normalize(envUrlText, "SUTRO_API_URL"));

        // The sources below the call's own, read only when reached (a broken settings file does not
        // matter while Connect-Sutro or the environment answers first), and each read once.
        var config = new Lazy<Source?>(() => SutroConfigFile.Read(configPath) is { } saved
            ? new Source(configPath,
                saved.Url is null ? null : ApiUrl.Normalize(saved.Url, $"{configPath} ({saved.UrlField})"),
                ApiKeyText.Trimmed(saved.Key), $"{configPath} (api_key)")
            : null);
        IEnumerable<Source> Lower()
        {
            if (session is not null)
            {
                yield return new Source(SessionSource, session.BaseUri, session.Key, SessionSource);
            }

            if (fromEnvironment)
            {
                yield return new Source(EnvironmentSource, envUrl.Value, ApiKeyText.Trimmed(envKeyText), "SUTRO_API_KEY");
            }
            else if (config.Value is { } saved)
            {
                yield return saved;
            }
        }

        if (explicitKey is not null)
        {
            // The caller chose to send this key: to -ApiUrl, else the connection's URL, else SUTRO_API_URL.
            Uri? paired = explicitUrl ?? session?.BaseUri ?? envUrl.Value;
            return paired is not null
                ? new SutroEndpoint(paired, explicitKey, ParameterSource)
                : throw NoUrl(configPath, explicitKeyGiven: true, fromEnvironment, envUrlText, envKeyText, config: null);
        }

        Uri? url = explicitUrl ?? Lower().Select(source => source.Url).FirstOrDefault(found => found is not null);
        if (url is null)
        {
            throw NoUrl(configPath, explicitKeyGiven: false, fromEnvironment, envUrlText, envKeyText,
                fromEnvironment ? null : config.Value);
        }

        foreach (var source in Lower())
        {
            if (source.Key is not null && source.Url is not null && ApiUrl.SameEndpoint(source.Url, url))
            {
                string key = ApiKeyText.Clean(source.Key, source.KeyName)!;

                // A call that uses the connection's key goes through the proxy Connect-Sutro was given, if any.
                bool connection = session is not null && source.Name == SessionSource;
                return new SutroEndpoint(url, key, source.Name)
                {
                    Proxy = connection ? session!.Proxy : null,
                    ProxyCredential = connection ? session!.ProxyCredential : null,
                };
            }
        }

        throw new SettingsException(
            $"No Sutro API key was found for {url}. Looked at: -ApiKey; a Connect-Sutro connection; the environment " +
            $"variables SUTRO_API_URL and SUTRO_API_KEY; the file {configPath}. A key is only used with the URL it " +
            "was configured for. Run Connect-Sutro -ApiUrl <url> -ApiKey <key> [-Save], or set both environment variables.",
            ErrorIds.ApiKeyNotFound)
        {
            ApiUrl = url,
        };
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static SettingsException NoUrl(string configPath, bool explicitKeyGiven, bool fromEnvironment,
        string? envUrl, string? envKey, Source? config)
    {
        string why = explicitKeyGiven
            ? $"-ApiKey was given, but no URL to send it to: a key given with a command goes to -ApiUrl, the " +
              $"Connect-Sutro connection or SUTRO_API_URL, never to the URL saved in {configPath}. "
            : fromEnvironment && envUrl is null && envKey is not null
                ? "SUTRO_API_KEY is set but SUTRO_API_URL is not (when either is set, both are taken from the environment). "
                : config is { Url: null, Key: not null }
                    ? $"{configPath} holds an api_key but no api_url. "
                    : string.Empty;
        return new SettingsException(
            "No Sutro API URL is set. " + why +
            "Set SUTRO_API_URL (with SUTRO_API_KEY), run Connect-Sutro -ApiUrl <url> -ApiKey <key> [-Save], or give " +
            "-ApiUrl, with your Sutro deployment's URL (https://<deployment>) and a key from its API Keys panel. " +
            $"Looked at: -ApiUrl; a Connect-Sutro connection; SUTRO_API_URL; the file {configPath}.",
            ErrorIds.ApiUrlNotSet);
    }
}

/// <summary>The checks an API key passes before it goes into a request header.</summary>
internal static class ApiKeyText
{
    /// <summary>The key without surrounding whitespace (a key file's trailing newline), or null when nothing is left.</summary>
    public static string? Trimmed(string? key)
    {
        string? trimmed = key?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    /// <summary>
    /// <see cref="Trimmed"/>, refusing a key that still holds a control character (a line break inside it
    /// would end the header and start another). The message names where the key came from, never the key.
    /// </summary>
    public static string? Clean(string? key, string from)
    {
        string? trimmed = Trimmed(key);
        if (trimmed is not null && trimmed.Any(char.IsControl))
        {
            throw new SettingsException(
                $"The API key from {from} holds a control character (such as a line break or a tab), which cannot " +
                "be sent in a request header. Copy the key again from your Sutro deployment's API Keys panel.");
        }

        return trimmed;
    }
}

/// <summary>
/// Settings that cannot be used: no URL (ApiUrlNotSet), a retired host (RetiredApiHost), no key
/// (ApiKeyNotFound), a refused URL or key or an unreadable settings file (SettingsInvalid).
/// </summary>
public sealed class SettingsException : SutroException
{
    public SettingsException(string message, string errorId = ErrorIds.SettingsInvalid)
        : base(errorId, errorId == ErrorIds.ApiKeyNotFound ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, message)
    {
    }

    /// <summary>The URL no key was found for (ApiKeyNotFound only).</summary>
    public Uri? ApiUrl { get; init; }

    /// <summary>True when the settings are usable but hold no key for the URL.</summary>
    public bool IsMissingKey => ErrorId == ErrorIds.ApiKeyNotFound;
}
