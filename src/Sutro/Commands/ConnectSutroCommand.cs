using System;
using System.Management.Automation;
using System.Security;
using Sutro.Http;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Connect-Sutro: checks a URL and key with <c>try-authentication</c> and keeps them for this
/// PowerShell session, ahead of the environment and the settings file; -Save also writes them to
/// <c>~/.sutro/config.json</c>, the file the Python CLI reads. A -Proxy given here is kept with the
/// connection for the session (never saved to the file).
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "Sutro")]
[OutputType(typeof(Connection))]
public sealed class ConnectSutroCommand : SutroApiCmdlet
{
    /// <summary>The deployment's API URL: its origin, or the origin and /v1.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public override string? ApiUrl { get; set; }

    /// <summary>The API key, a SecureString (a plain string is accepted).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [SecureStringTransformation]
    [ValidateNotNull]
    public override SecureString? ApiKey { get; set; }

    /// <summary>Also write the URL and key to ~/.sutro/config.json.</summary>
    [Parameter]
    public SwitchParameter Save { get; set; }

    /// <summary>Write a Sutro.Connection describing the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void EndProcessing()
    {
        Uri url;
        string key;
        try
        {
            url = Settings.ApiUrl.Normalize(ApiUrl, "-ApiUrl");
            key = ApiKeyText.Clean(Plain(ApiKey!), "-ApiKey")
                ?? throw new SettingsException("The API key is empty. Give a key from your Sutro deployment's API Keys panel (sk_...).");
        }
        catch (SettingsException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, null));
            return;
        }

        var endpoint = new SutroEndpoint(url, key, SettingsResolver.SessionSource)
        {
            Proxy = Proxy,
            ProxyCredential = Proxy is null ? null : ProxyCredential?.GetNetworkCredential(),
        };
        var api = CreateApi(endpoint);
        bool accepted;
        try
        {
            accepted = RunAsync(api.TryAuthenticateAsync);
        }
        catch (SutroApiException ex)
        {
            ThrowTerminatingError(WithReference(new ErrorRecord(ex, ex.ErrorId, ex.Category, url.AbsoluteUri)));
            return;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }

        if (!accepted)
        {
            ThrowTerminatingError(new ErrorRecord(
                new SutroApiException(ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError,
                    $"The Sutro API at {url} refused the key. Check the key and that it belongs to this deployment; the previous settings stay in effect."),
                ErrorIds.AuthenticationFailed, ErrorCategory.AuthenticationError, url.AbsoluteUri));
        }

        SettingsResolver.SessionConnection = endpoint;
        JobIdCompleter.Clear();
        WriteVerbose($"Connected to {url}; every Sutro cmdlet in this session uses it unless -ApiUrl/-ApiKey say otherwise.");

        if (Save)
        {
            string path = SettingsResolver.ConfigPath;
            try
            {
                SutroConfigFile.Save(path, url, key);
                WriteVerbose($"Saved the URL and key to {path}.");
            }
            catch (SettingsException ex)
            {
                WriteError(new ErrorRecord(ex, ErrorIds.SettingsNotSaved, ErrorCategory.WriteError, path));
            }
        }

        if (PassThru)
        {
            WriteObject(new Connection(url, SettingsResolver.SessionSource, authenticated: true));
        }
    }
}
