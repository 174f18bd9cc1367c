using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Generic;
using Sutro.Api;
using Sutro.Http;
using Sutro.Settings;

namespace Sutro.Commands;

// The two levels of Sutro cmdlets: SutroCmdlet (every cmdlet) and SutroApiCmdlet (cmdlets that call the API).

/// <summary>
/// What every Sutro cmdlet shares: one cancellation token that Ctrl+C (StopProcessing) cancels,
/// a way to run async work while only the pipeline thread writes to the host, the settings
/// resolver, and ErrorRecords with stable ids.
/// </summary>
public abstract class SutroCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private BlockingCollection<Action>? _pending;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// Runs async work on the thread pool while the pipeline thread writes what it queues
    /// (verbose text, progress). Returns its result, or rethrows its exception.
    /// </summary>
    protected T RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        using var pending = new BlockingCollection<Action>();
        _pending = pending;
        try
        {
            var task = Task.Run(async () =>
            {
                try
                {
                    return await work(StopToken).ConfigureAwait(false);
                }
                finally
                {
                    pending.CompleteAdding();
                }
            });

            foreach (var action in pending.GetConsumingEnumerable())
            {
                action();
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            _pending = null;
        }
    }

    /// <summary>Writes verbose text from any thread (queued to the pipeline thread while async work runs).</summary>
    protected void QueueVerbose(string message) => OnPipeline(() => WriteVerbose(message));

    protected void QueueProgress(ProgressRecord record) => OnPipeline(() => WriteProgress(record));

    protected void QueueWarning(string message) => OnPipeline(() => WriteWarning(message));

    private void OnPipeline(Action action)
    {
        var pending = _pending;
        if (pending is not null)
        {
            try
            {
                pending.Add(action);
                return;
            }
            catch (InvalidOperationException)
            {
                // Completed: fall through and run it here, on the pipeline thread.
            }
        }

        action();
    }

    /// <summary>Resolves the URL and key for this call (see <see cref="SettingsResolver"/>).</summary>
    protected SutroEndpoint ResolveEndpoint(string? apiUrl, SecureString? apiKey)
    {
        try
        {
            return SettingsResolver.Resolve(apiUrl, apiKey is null ? null : Plain(apiKey));
        }
        catch (ArgumentException ex)
        {
            throw new SettingsException(ex.Message);
        }
    }

    /// <summary>
    /// Reports the failure of one job or file as a non-terminating error with a stable id, so the next ones
    /// still run; cancellation stops the pipeline. A failure of the whole command (see
    /// <see cref="IsWholeCommandFailure"/>) is a terminating error instead: no other job could fare better, and a
    /// plain try/catch catches it, as with Invoke-RestMethod. Every failure is converted here, and only here.
    /// </summary>
    protected void WriteFailure(Exception exception, object? target)
    {
        if (exception is OperationCanceledException && (Stopping || StopToken.IsCancellationRequested))
        {
            throw new PipelineStoppedException();
        }

        if (IsWholeCommandFailure(exception))
        {
            ThrowTerminatingError(Record(exception, target));
        }

        WriteError(Record(exception, target));
    }

    /// <summary>
    /// Failures that are about the settings or the server, not about one job: no settings (or bad ones), a key the
    /// API refuses, a server that cannot be reached, a URL that is not a Sutro API (or a retired one), redirects that
    /// are refused. They end the command.
    /// </summary>
    internal static bool IsWholeCommandFailure(Exception exception) => exception switch
    {
        SettingsException => true,
        SutroApiException api => api.ErrorId is ErrorIds.AuthenticationFailed or ErrorIds.ConnectionFailed
            or ErrorIds.ApiNotFound or ErrorIds.ApiNoLongerSupported or ErrorIds.InsecureRedirect or ErrorIds.TooManyRedirects,
        _ => false,
    };

    /// <summary>The error record of a failure: its id and category, or UnexpectedError for what the module did not foresee.</summary>
    internal static ErrorRecord Record(Exception exception, object? target) => exception switch
    {
        SutroException known => WithReference(new ErrorRecord(known, known.ErrorId, known.Category, target)),
        _ => new ErrorRecord(
            new InvalidOperationException(
                $"Unexpected failure for '{target}': {exception.Message} The other jobs and files are not affected; " +
                "report this with the steps that led to it.", exception),
            ErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target),
    };

    /// <summary>
    /// An API error's record also carries what to quote to support: ErrorDetails.RecommendedAction says the
    /// server's code and request id (the message ends with the same sentence), and the exception's Reference
    /// holds them apart for a script.
    /// </summary>
    internal static ErrorRecord WithReference(ErrorRecord record)
    {
        if (record.Exception is SutroApiException { Reference: { } reference } api)
        {
            record.ErrorDetails = new ErrorDetails(api.Message) { RecommendedAction = reference.Sentence };
        }

        return record;
    }

    /// <summary>
    /// True for a failure that belongs to one job or file and becomes its non-terminating error: anything but
    /// PowerShell's own flow (a stopped pipeline, -ErrorAction Stop, an error thrown further down the pipeline).
    /// </summary>
    internal static bool IsPerItemFailure(Exception exception) =>
        exception is not RuntimeException
        && exception.GetType().FullName is not ("System.Management.Automation.FlowControlException"
            or "System.Management.Automation.BreakException" or "System.Management.Automation.ContinueException"
            or "System.Management.Automation.ExitException")
        && exception is not (OutOfMemoryException or StackOverflowException);

    /// <summary>
    /// Refuses -Raw with -ExpandOutput (RawWithExpandOutput), for every cmdlet that writes result rows:
    /// <paramref name="source"/> says where the outputs come from ("the server sent it", "it is in the file").
    /// </summary>
    protected void RefuseRawWithExpandOutput(bool raw, bool expandOutput, string source = "the server sent it")
    {
        if (raw && expandOutput)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Raw keeps every output exactly as {source}, so it cannot be combined with " +
                    "-ExpandOutput. Use one or the other."),
                ErrorIds.RawWithExpandOutput, ErrorCategory.InvalidArgument, null));
        }
    }

    /// <summary>The text of a SecureString, for the one moment it is needed.</summary>
    protected static string Plain(SecureString secure)
    {
        IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A cmdlet that calls the Sutro API with the settings the resolver finds, unless -ApiUrl/-ApiKey give them for the
/// call, and the network parameters: retries, timeouts and proxy.
/// </summary>
public abstract class SutroApiCmdlet : SutroCmdlet
{
    private readonly HashSet<string> _unknownStatuses = new(StringComparer.Ordinal);

    /// <summary>The API URL for this call; see about_Sutro for where it is otherwise found.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public virtual string? ApiUrl { get; set; }

    /// <summary>The API key for this call, a SecureString (a plain string is accepted).</summary>
    [Parameter]
    [SecureStringTransformation]
    public virtual SecureString? ApiKey { get; set; }

    /// <summary>How many times a failed request that is safe to repeat is retried (0 turns retries off).</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetryCount { get; set; } = SutroApiClient.DefaultMaxRetryCount;

    /// <summary>
    /// Seconds the server may take to answer a request with its status line and headers (connecting included),
    /// as Invoke-WebRequest's parameter of the same name.
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

    /// <summary>The API for the resolved endpoint; its verbose text goes to -Verbose, never the key.</summary>
    internal SutroApi CreateApi() => CreateApi(ResolveEndpoint(ApiUrl, ApiKey));

    /// <summary>
    /// Downloads a job's results to <paramref name="target"/>, with a progress bar of the bytes under the cmdlet's own
    /// <paramref name="progressId"/> (completed also when the download fails).
    /// </summary>
    internal ResultsFile DownloadResults(SutroApi api, ResultsRequest request, ResultsTarget target, int progressId)
    {
        var progress = new ByteProgress(progressId, $"Downloading results of job {request.JobId}", QueueProgress);
        try
        {
            return RunAsync(token => api.DownloadResultsAsync(request, target, progress.Report, token));
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The API for <paramref name="endpoint"/> with this call's network settings.</summary>
    internal SutroApi CreateApi(SutroEndpoint endpoint) => new(new SutroApiClient(endpoint, QueueVerbose)
    {
        MaxRetryCount = MaxRetryCount,
        ResponseTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds),
        IdleReadTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
        Proxy = Proxy,
        ProxyCredential = ProxyCredential?.GetNetworkCredential(),
    }, UnknownStatus);

    /// <summary>A status word the module does not know is said once per command, as a warning.</summary>
    private void UnknownStatus(string status)
    {
        bool first;
        lock (_unknownStatuses)
        {
            first = _unknownStatuses.Add(status);
        }

        if (first)
        {
            QueueWarning($"The Sutro API reported the job status '{status}', which this module does not know; it is " +
                "kept as sent and taken as not final.");
        }
    }
}
