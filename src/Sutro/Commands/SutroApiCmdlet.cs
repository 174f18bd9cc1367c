using System;
using System.Management.Automation;
using System.Security;
using Sutro.Http;

namespace Sutro.Commands;

/// <summary>
/// A cmdlet that calls the Sutro API with the settings the resolver finds, unless -ApiUrl/-ApiKey give them
/// for the call; the network parameters (-MaxRetryCount, timeouts, -Proxy) come from <see cref="SutroNetworkCmdlet"/>.
/// </summary>
public abstract class SutroApiCmdlet : SutroNetworkCmdlet
{
    /// <summary>The API URL for this call; see about_Sutro for where it is otherwise found.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiUrl { get; set; }

    /// <summary>The API key for this call, a SecureString (a plain string is accepted).</summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>A client for the resolved endpoint; its verbose text goes to -Verbose, never the key.</summary>
    internal SutroApiClient CreateClient() => CreateClient(ResolveEndpoint(ApiUrl, ApiKey));
}
