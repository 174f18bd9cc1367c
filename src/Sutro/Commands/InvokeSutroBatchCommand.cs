using System;
using System.Management.Automation;
using System.Threading;
using Sutro.Api;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Results;
using Sutro.Rows;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// Invoke-SutroBatch: submits the pipeline's inputs as one job (as Start-SutroJob does), waits for it, fetches
/// its results and writes each input joined with its output, in input order. Object inputs come out as the
/// same objects with Output and CumulativeLogprob (and, with -ExpandOutput, the output's fields) added; text
/// inputs as <see cref="JobResultRow"/>s whose Input is the text. The inputs are held in memory for the join
/// (<see cref="InputJoin"/>, shared with Join-SutroJobResult). Ctrl+C while waiting leaves the job running (or, with
/// -CancelOnStop, cancels it) and says which. -IfExists Reuse waits for an earlier job of the same name and joins its
/// results with these inputs instead, after checking them against the inputs that job returns (unless -NoVerify).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SutroBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = TextSet)]
[OutputType(typeof(JobResultRow))]
public sealed class InvokeSutroBatchCommand : SubmissionCmdlet
{
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The inputs, held for the join.</summary>
    private InputJoin? _join;

    [Parameter]
    public ResultFormat Format { get; set; } = ResultFormat.Parquet;

    [Parameter]
    public SwitchParameter ExpandOutput { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>
    /// With -IfExists Reuse: pairs the inputs with the job found without checking them against the inputs it ran.
    /// </summary>
    [Parameter]
    public SwitchParameter NoVerify { get; set; }

    /// <summary>
    /// Cancels the job when the command is stopped (Ctrl+C) while waiting, or when -TimeoutSec runs out; without
    /// it the job keeps running.
    /// </summary>
    [Parameter]
    public SwitchParameter CancelOnStop { get; set; }

    /// <summary>How long to wait for the job in all, counted from the submission; without it, as long as it takes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Seconds between two status checks (default 5).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double PollIntervalSec { get; set; } = 5;

    private protected override int UploadProgressId => ProgressIds.InvokeSutroBatchUpload;

    private protected override int WaitProgressId => ProgressIds.InvokeSutroBatchWait;

    private protected override TimeSpan? WaitTimeout =>
        Bound(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null;

    private protected override double PollIntervalSeconds => PollIntervalSec;

    protected override void BeginProcessing()
    {
        RefuseRawWithExpandOutput(Raw, ExpandOutput);

        CheckGuards(estimateOnly: false);
        base.BeginProcessing();
        _join = new InputJoin(Mode);
    }

    private protected override void OnInput(PSObject? input, string? text) => _join!.Add(input, text);

    protected override void EndProcessing()
    {
        try
        {
            Run();
        }
        finally
        {
            Dispose();
        }
    }

    private void Run()
    {
        if (SubmitOnce() is not var (jobId, api, name))
        {
            return;
        }

        var join = _join!;
        if (Reused is { Rows: { } rows } && rows != join.Count)
        {
            // Found by -IfExists Reuse, but not a job of these inputs: say so now rather than after the wait.
            WriteFailure(new SutroApiException(ErrorIds.ResultRowCountMismatch, ErrorCategory.InvalidResult,
                $"Job '{jobId}', found by -IfExists Reuse, has {rows} rows for {join.Count} inputs, so its results " +
                "cannot be paired with these inputs; nothing was submitted and no row was written. To run these " +
                "inputs, give another -Name (or -IfExists Submit)."), jobId);
            return;
        }

        var deadline = Deadline();
        try
        {
            var waiter = new JobWaiter(api, TimeSpan.FromSeconds(PollIntervalSec), deadline,
                new JobWaitProgress(ProgressIds.InvokeSutroBatchWait, QueueProgress), QueueVerbose);
            RunAsync(token => waiter.WaitAsync(jobId, token));
        }
        catch (Exception ex) when (StopToken.IsCancellationRequested
            && ex is OperationCanceledException or PipelineStoppedException)
        {
            // Stopped while waiting (the wait is cancelled, or a queued progress record met the stopped pipeline).
            Stopped(jobId, name);
            throw new PipelineStoppedException();
        }
        catch (SutroJobException ex) when (ex.ErrorId == ErrorIds.WaitTimedOut && CancelOnStop)
        {
            WriteFailure(CancelAfterTimeout(api, ex, deadline.Elapsed), jobId);
            return;
        }
        catch (Exception ex) when (ex is SutroApiException or SutroJobException)
        {
            WriteFailure(ex, jobId);
            return;
        }

        try
        {
            Fetch(api, jobId, join);
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, jobId);
        }
    }

    /// <summary>
    /// Downloads the job's results and writes each input joined with its row; a job found by -IfExists Reuse has its
    /// inputs returned and checked against these first (unless -NoVerify).
    /// </summary>
    private void Fetch(SutroApi api, string jobId, InputJoin join)
    {
        bool verify = Reused is not null && !NoVerify;
        var request = new ResultsRequest(jobId, Format, IncludeInputs: verify, IncludeLogprobs: true)
        {
            KnownSucceeded = true,
            RetryInterval = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, 5)),
        };
        using var download = new TemporaryFile();
        ResultsFile file = DownloadResults(api, request, new ResultsTarget(download.Path), ProgressIds.InvokeSutroBatchDownload);
        ResultRowWriter.Write(download.Path, file.Format, new KnownJobId(jobId), jobId, Raw, ExpandOutput, $"Job {jobId}",
            ProgressIds.InvokeSutroBatchDecode, join.Sink(RowSinks.For(this), jobId, verify, reused: Reused is not null),
            StopToken);
    }

    /// <summary>
    /// -TimeoutSec ran out with -CancelOnStop: cancels the job, and returns the WaitTimedOut error saying so (or
    /// why it could not be cancelled, and how to cancel it).
    /// </summary>
    private SutroJobException CancelAfterTimeout(SutroApi api, SutroJobException timedOut, TimeSpan waited)
    {
        string jobId = timedOut.JobId;
        Job job = timedOut.Job ?? new Job { JobId = jobId };
        string stopped = JobWaiter.StoppedWaiting(job, waited, job.Status);
        string outcome;
        try
        {
            RunAsync(async token =>
            {
                await api.CancelAsync(jobId, token).ConfigureAwait(false);
                return true;
            });
            outcome = "Asked the service to cancel it (-CancelOnStop); it has no results. " +
                $"Check that it stopped with Get-SutroJob {jobId}.";
        }
        catch (Exception ex) when (ex is SutroException
            || (ex is OperationCanceledException && !StopToken.IsCancellationRequested))
        {
            outcome = $"It could not be cancelled (-CancelOnStop): {ex.Message} It may still be running; " +
                $"cancel it with Stop-SutroJob {jobId}.";
        }

        return new SutroJobException(ErrorIds.WaitTimedOut, ErrorCategory.OperationTimeout, $"{stopped} {outcome}",
            jobId, timedOut.Job);
    }

    /// <summary>
    /// After Ctrl+C while waiting: cancels the job with -CancelOnStop, and says on the host (the output streams are
    /// closed once a pipeline stops) whether the job is still running, with its id.
    /// </summary>
    private void Stopped(string jobId, string name)
    {
        string message;
        if (CancelOnStop)
        {
            try
            {
                // A quiet client: verbose text cannot be written while the pipeline stops.
                var api = new SutroApi(new SutroApiClient(ResolveEndpoint(ApiUrl, ApiKey), _ => { })
                {
                    MaxRetryCount = MaxRetryCount,
                    ResponseTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds),
                    Proxy = Proxy,
                    ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                });
                using var timeout = new CancellationTokenSource(CancelTimeout);
                api.CancelAsync(jobId, timeout.Token).GetAwaiter().GetResult();
                message = $"Stopped waiting for job {jobId} ({name}) and asked the service to cancel it (-CancelOnStop).";
            }
            catch (Exception ex) when (ex is SutroException or OperationCanceledException)
            {
                message = $"Stopped waiting for job {jobId} ({name}), but it could not be cancelled: {ex.Message} " +
                    $"It may still be running; cancel it with Stop-SutroJob {jobId}.";
            }
        }
        else
        {
            message = $"Stopped waiting for job {jobId} ({name}); the job is still running on the service. " +
                $"Wait for it and read its results with Wait-SutroJob {jobId} | Get-SutroJobResult, or cancel it with Stop-SutroJob {jobId}.";
        }

        try
        {
            Host.UI.WriteWarningLine(message);
        }
        catch (Exception ex) when (ex is NotImplementedException or PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            // A host without a user interface: there is nowhere left to say it.
        }
    }
}
