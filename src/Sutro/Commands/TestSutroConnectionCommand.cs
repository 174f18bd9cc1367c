using System;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Test-SutroConnection: does the API accept the key the current settings give? $true or $false
/// (no key at all, or a refused key, is a plain $false, not an error); -Detailed writes a
/// Sutro.Connection that also says which URL was used and where the key came from. When
/// <c>try-authentication</c> fails otherwise, <c>auth/check</c> tells a bad key from a Batch service that
/// cannot be reached (BatchServiceUnavailable).
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
        catch (SettingsException ex) when (ex.IsMissingKey && ex.ApiUrl is not null)
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

        var api = CreateApi(endpoint);
        try
        {
            bool accepted = RunAsync(async token =>
            {
                try
                {
                    return await api.TryAuthenticateAsync(token).ConfigureAwait(false);
                }
                catch (SutroApiException batch) when (batch.StatusCode is >= 500 || batch.IsNetworkFailure)
                {
                    // The deployment may be up with its Batch service down: auth/check asks the deployment alone.
                    if (await CheckKeyQuietlyAsync(api, token).ConfigureAwait(false) is not { } keyAccepted)
                    {
                        throw;
                    }

                    if (!keyAccepted)
                    {
                        return false;
                    }

                    throw new SutroApiException(ErrorIds.BatchServiceUnavailable, ErrorCategory.ResourceUnavailable,
                        $"{endpoint.BaseUri} accepts the key (auth/check), but its Batch service did not answer " +
                        $"try-authentication: {batch.Message}", batch.StatusCode, batch);
                }
            });
            WriteVerbose(accepted
                ? $"{endpoint.BaseUri} accepts the key from {endpoint.Source}."
                : $"{endpoint.BaseUri} refuses the key from {endpoint.Source}.");
            Answer(endpoint.BaseUri, endpoint.Source, accepted);
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, endpoint.BaseUri.AbsoluteUri);
        }
    }

    /// <summary>auth/check's verdict, or null when it cannot give one (no such route, or it fails too).</summary>
    private static async System.Threading.Tasks.Task<bool?> CheckKeyQuietlyAsync(Api.SutroApi api, System.Threading.CancellationToken token)
    {
        try
        {
            return await api.CheckKeyAsync(token).ConfigureAwait(false);
        }
        catch (SutroApiException)
        {
            return null;
        }
    }

    private void Answer(Uri url, string keySource, bool authenticated)
    {
        WriteObject(Detailed ? new Connection(url, keySource, authenticated) : authenticated);
    }
}
