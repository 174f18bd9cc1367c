using System;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Test-SutroConnection: does the API accept the key the current settings give? $true or $false
/// (no key at all, or a refused key, is a plain $false, not an error); -Detailed writes a
/// Sutro.Connection that also says which URL was used and where the key came from.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "SutroConnection")]
[OutputType(typeof(bool), typeof(Connection))]
public sealed class TestSutroConnectionCommand : SutroApiCmdlet
{
    /// <summary>Write a Sutro.Connection (ApiUrl, KeySource, Authenticated) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void EndProcessing()
    {
        SutroEndpoint endpoint;
        try
        {
            endpoint = ResolveEndpoint(ApiUrl, ApiKey);
        }
        catch (SettingsException ex) when (ex.IsMissingKey)
        {
            WriteVerbose(ex.Message);
            Answer(ex.ApiUrl!, "(no key found)", false);
            return;
        }
        catch (SettingsException ex)
        {
            WriteFailure(ex, ApiUrl);
            return;
        }

        var api = new JobsApi(new SutroApiClient(endpoint, QueueVerbose) { MaxRetryCount = MaxRetryCount });
        try
        {
            bool accepted = RunAsync(api.TryAuthenticateAsync);
            WriteVerbose(accepted
                ? $"{endpoint.BaseUri} accepts the key from {endpoint.Source}."
                : $"{endpoint.BaseUri} refuses the key from {endpoint.Source}.");
            Answer(endpoint.BaseUri, endpoint.Source, accepted);
        }
        catch (Exception ex) when (ex is SutroApiException or OperationCanceledException)
        {
            WriteFailure(ex, endpoint.BaseUri.AbsoluteUri);
        }
    }

    private void Answer(Uri url, string keySource, bool authenticated)
    {
        WriteObject(Detailed ? new Connection(url, keySource, authenticated) : authenticated);
    }
}
