using System;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// A cmdlet that sends requests: how they are retried, how long they may take and which proxy they go through.
/// </summary>
public abstract class SutroNetworkCmdlet : SutroCmdlet
{
    /// <summary>How many times a failed request that is safe to repeat is retried (0 turns retries off).</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetryCount { get; set; } = SutroApiClient.DefaultMaxRetryCount;

    /// <summary>
    /// Seconds the server may take to answer a request with its status line and headers
    /// (connecting included), as Invoke-WebRequest's parameter of the same name.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int ConnectionTimeoutSeconds { get; set; } = SutroApiClient.DefaultTimeoutSeconds;

    /// <summary>
    /// Seconds a response body may send nothing before the transfer is abandoned (and retried), as
    /// Invoke-WebRequest's parameter of the same name.
    /// </summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int OperationTimeoutSeconds { get; set; } = SutroApiClient.DefaultTimeoutSeconds;

    /// <summary>A proxy for this call; by default the system proxy (HTTPS_PROXY/NO_PROXY) is used.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>A client for <paramref name="endpoint"/> with this call's network settings; its verbose text goes to -Verbose, never the key.</summary>
    internal SutroApiClient CreateClient(SutroEndpoint endpoint) =>
        new(endpoint, QueueVerbose)
        {
            MaxRetryCount = MaxRetryCount,
            ResponseTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds),
            IdleReadTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
            Proxy = Proxy,
            ProxyCredential = ProxyCredential?.GetNetworkCredential(),
        };
}
