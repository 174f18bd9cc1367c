using System;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Wait-SutroJob: waits for each job in turn until it reaches a final status and writes it when it
/// SUCCEEDED. A FAILED or CANCELLED job, or a wait beyond -TimeoutSec, is a non-terminating error
/// (JobFailed, JobCancelled, WaitTimedOut) and the next job is still waited for. Waiting never
/// cancels a job.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "SutroJob")]
[OutputType(typeof(Job))]
public sealed class WaitSutroJobCommand : SutroJobsCmdlet
{
    internal const int ProgressId = 0x5758;

    private WaitDeadline _deadline = new(null);

    /// <summary>How long this command waits in all, counted from its start; without it, as long as it takes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Seconds between two status checks (default 5).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double PollIntervalSec { get; set; } = 5;

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        _deadline = new WaitDeadline(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null);
    }

    protected override void ProcessRecord()
    {
        foreach (string id in JobId)
        {
            try
            {
                var waiter = new JobWaiter(new JobsApi(CreateClient()), TimeSpan.FromSeconds(PollIntervalSec), _deadline,
                    new JobWaitProgress(ProgressId, QueueProgress), QueueVerbose);
                WriteObject(RunAsync(token => waiter.WaitAsync(id, token)));
            }
            catch (Exception ex) when (ex is SutroApiException or SutroJobException or SettingsException or OperationCanceledException)
            {
                WriteFailure(ex, id);
            }
        }
    }
}
