using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Results;
using Sutro.Settings;

namespace Sutro.Commands;

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

    /// <summary>Reports a failure as a non-terminating error with a stable id, or rethrows cancellation.</summary>
    protected void WriteFailure(Exception exception, object? target)
    {
        switch (exception)
        {
            case OperationCanceledException when Stopping || StopToken.IsCancellationRequested:
                throw new PipelineStoppedException();
            case SutroApiException api:
                WriteError(new ErrorRecord(api, api.ErrorId, api.Category, target));
                break;
            case ResultDecodeException decode:
                WriteError(new ErrorRecord(decode, "ResultDecodeFailed", ErrorCategory.InvalidData, target));
                break;
            case SettingsException settings:
                WriteError(new ErrorRecord(settings, settings.ErrorId,
                    settings.IsMissingKey ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, target));
                break;
            case SutroJobException job:
                WriteError(new ErrorRecord(job, job.ErrorId, job.Category, target));
                break;
            default:
                throw exception;
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
