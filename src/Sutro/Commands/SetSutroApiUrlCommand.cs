using System;
using System.Management.Automation;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Set-SutroApiUrl: saves the API URL in <c>~/.sutro/config.json</c> (the file Connect-Sutro -Save and the Python CLI
/// share), as <c>sutro set-base-url</c> does, after checking it with the module's URL rules. A key saved for another
/// deployment is removed (with a warning saying how to save one again), since a key belongs to one deployment and
/// must never be sent to another host. Nothing is sent over the network.
/// </summary>
[Cmdlet(VerbsCommon.Set, "SutroApiUrl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SavedApiUrl))]
public sealed class SetSutroApiUrlCommand : SutroCmdlet
{
    /// <summary>The deployment's API URL: its origin, or the origin and /v1.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("BaseUrl")]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>Write a Sutro.SavedApiUrl describing what was saved.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Uri url;
        try
        {
            url = Settings.ApiUrl.Normalize(ApiUrl, "-ApiUrl");
        }
        catch (SettingsException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, null));
            return;
        }

        string path = SettingsResolver.ConfigPath;
        bool removesKey;
        string? previous;
        try
        {
            removesKey = SutroConfigFile.RemovesKey(path, url);
            previous = SutroConfigFile.Read(path)?.Url;
        }
        catch (SettingsException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidData, path));
            return;
        }

        string action = removesKey
            ? $"Save the API URL {Shown(url)} and remove the API key saved for {Describe(previous)}"
            : $"Save the API URL {Shown(url)}";
        if (!ShouldProcess(path, action))
        {
            return;
        }

        bool removed;
        try
        {
            removed = SutroConfigFile.Save(path, url, apiKey: null);
        }
        catch (SettingsException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.SettingsNotSaved, ErrorCategory.WriteError, path));
            return;
        }

        JobIdCompleter.Clear();
        WriteVerbose($"Saved the API URL {Shown(url)} to {path}.");
        if (removed)
        {
            WriteWarning($"The API key saved in {path} was removed: it was saved for {Describe(previous)}, and a key " +
                $"belongs to one deployment. Save a key for {Shown(url)} with Connect-Sutro -ApiUrl {Shown(url)} -ApiKey <key> -Save.");
        }

        NotePrecedence(url);
        if (PassThru)
        {
            WriteObject(new SavedApiUrl(url, path, keySaved: KeyFor(path, url)));
        }
    }

    /// <summary>
    /// The previous URL, normalised, or what stood in its place. Text the URL rules refuse is not echoed (it may be
    /// a key saved in the URL's place, or hold a password); a retired host is named by its origin.
    /// </summary>
    private static string Describe(string? previous)
    {
        if (previous is null)
        {
            return "no URL";
        }

        try
        {
            return Shown(Settings.ApiUrl.Normalize(previous));
        }
        catch (SettingsException ex) when (ex.ErrorId == ErrorIds.RetiredApiHost && Uri.TryCreate(previous.Trim(), UriKind.Absolute, out Uri? retired))
        {
            // Refused as retired only after the check for user:password@, so the origin holds no secret.
            return Settings.ApiUrl.Origin(retired);
        }
        catch (SettingsException)
        {
            return "a URL the module does not accept";
        }
    }

    /// <summary>True when the file holds a key for <paramref name="url"/>.</summary>
    private static bool KeyFor(string path, Uri url) =>
        SutroConfigFile.Read(path) is { Key: { Length: > 0 } } && !SutroConfigFile.RemovesKey(path, url);

    /// <summary>Says when a setting that comes before the file keeps this session from using the saved URL.</summary>
    private void NotePrecedence(Uri url)
    {
        if (SettingsResolver.SessionConnection is { } connection)
        {
            if (!Settings.ApiUrl.SameEndpoint(connection.BaseUri, url))
            {
                WriteWarning($"This session stays connected to {Shown(connection.BaseUri)} (Connect-Sutro), which comes " +
                    "before the settings file. Run Disconnect-Sutro to use the saved URL.");
            }

            return;
        }

        string? envUrl = Environment.GetEnvironmentVariable("SUTRO_API_URL");
        string? envKey = Environment.GetEnvironmentVariable("SUTRO_API_KEY");
        if (string.IsNullOrWhiteSpace(envUrl) && string.IsNullOrWhiteSpace(envKey))
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(envUrl) && SameAs(envUrl, url))
        {
            return;
        }

        WriteWarning("SUTRO_API_URL or SUTRO_API_KEY is set in this session's environment, and the environment comes " +
            "before the settings file (when either is set, both are taken from it). Clear both to use the saved URL.");
    }

    private static bool SameAs(string text, Uri url)
    {
        try
        {
            return Settings.ApiUrl.SameEndpoint(Settings.ApiUrl.Normalize(text), url);
        }
        catch (SettingsException)
        {
            return false;
        }
    }

    /// <summary>A URL as the settings file spells it: without the last '/'.</summary>
    private static string Shown(Uri url) => url.AbsoluteUri.TrimEnd('/');
}
