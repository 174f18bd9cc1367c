using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Api;

namespace Sutro.Jobs;

/// <summary>
/// Waits for one job to reach a final status by polling <c>job-status/{id}</c>, showing progress (rows
/// done come from <c>stream-job-progress</c> while the job runs), and returns the job as
/// <c>jobs/{id}</c> gives it at the end. A job that fails or is cancelled, or a wait that runs out of
/// its time budget, is a <see cref="SutroJobException"/>. Waiting never cancels a job.
/// </summary>
internal sealed class JobWaiter
{
    private static readonly TimeSpan ProgressTick = TimeSpan.FromSeconds(1);

    private readonly SutroApi _api;
    private readonly TimeSpan _pollInterval;
    private readonly WaitDeadline _deadline;
    private readonly JobWaitProgress _progress;
    private readonly Action<string> _verbose;

    public JobWaiter(SutroApi api, TimeSpan pollInterval, WaitDeadline deadline, JobWaitProgress progress, Action<string> verbose)
    {
        _api = api;
        _pollInterval = pollInterval;
        _deadline = deadline;
        _progress = progress;
        _verbose = message => verbose(api.Client.Redact(message));
    }

    public async Task<Job> WaitAsync(string jobId, CancellationToken cancellationToken)
    {
        var started = new WaitDeadline(null);
        Job job = await _api.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        string status = job.Status;
        JobStatusAnswer? last = null;
        _progress.Start(job);
        _verbose($"Job {jobId}: {status}.");

        var seen = new ProgressSeen();
        using var streamStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? stream = null;
        try
        {
            while (!JobStatus.IsFinal(status))
            {
                if (stream is null && status is JobStatus.Starting or JobStatus.Running)
                {
                    stream = FollowProgressAsync(jobId, seen.Add, streamStop.Token);
                }

                if (_deadline.HasPassed)
                {
                    throw TimedOut(job, status);
                }

                // Sleep until the next poll, ticking the elapsed time on the progress bar.
                TimeSpan pause = Min(_pollInterval, _deadline.Remaining);
                var slept = new WaitDeadline(pause);
                do
                {
                    _progress.Report(status, started.Elapsed, seen.Snapshot(), job.Rows);
                    await Task.Delay(Min(ProgressTick, slept.Remaining), cancellationToken).ConfigureAwait(false);
                }
                while (!slept.HasPassed);

                last = await _api.GetStatusAsync(jobId, cancellationToken).ConfigureAwait(false);
                if (last.Status != status)
                {
                    _verbose($"Job {jobId}: {last.Status} after {JobWaitProgress.Duration(started.Elapsed)}.");
                }

                status = last.Status;
            }
        }
        finally
        {
            streamStop.Cancel();
            if (stream is not null)
            {
                await stream.ConfigureAwait(false);
            }

            _progress.Complete();
        }

        if (last is not null)
        {
            job = await _api.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (job.Status != status)
            {
                // job-status decided the wait; keep the object consistent with it.
                job = job with { Status = status };
            }
        }

        return status == JobStatus.Succeeded ? job : throw JobOutcome.NoResults(job, status, last, _api.Client.Redact);
    }

    private async Task FollowProgressAsync(string jobId, Action<ProgressUpdate> update, CancellationToken cancellationToken)
    {
        try
        {
            await _api.StreamProgressAsync(jobId, update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The wait is over (or was stopped): the stream is abandoned, however the read ended.
        }
        catch (Exception ex)
        {
            // Progress is a nicety: whatever goes wrong with it, the wait goes on and the bar shows
            // the status and the time waited.
            _verbose($"Job {jobId}: no row progress ({ex.Message}).");
        }
    }

    /// <summary>The first sentence of a WaitTimedOut message: which job, after how long, in which status.</summary>
    internal static string StoppedWaiting(Job job, TimeSpan waited, string status) =>
        $"Stopped waiting for job {JobOutcome.Describe(job)} after {JobWaitProgress.Duration(waited)}: it is still {status}.";

    private SutroJobException TimedOut(Job job, string status) =>
        new(ErrorIds.WaitTimedOut, ErrorCategory.OperationTimeout,
            StoppedWaiting(job, _deadline.Elapsed, status) + " " +
            "The job keeps running on the server (waiting never cancels a job). Wait again with Wait-SutroJob, or cancel it with Stop-SutroJob.",
            job.JobId, job with { Status = status });

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
