using System;
using System.Management.Automation;
using Sutro.Jobs;

namespace Sutro.Commands;

/// <summary>
/// Wait-SutroJob: waits for each job in turn until it reaches a final status and writes it when it
/// SUCCEEDED. A FAILED or CANCELLED job, or a wait beyond -TimeoutSec, is a non-terminating error
/// (JobFailed, JobCancelled, WaitTimedOut) and the next job is still waited for. Waiting never
/// cancels a job.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "SutroJob")]
[OutputType(typeof(Job))]
public sealed class WaitSutroJobCommand : SutroApiCmdlet
{
    private WaitDeadline _deadline = new(null);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

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
                var waiter = new JobWaiter(CreateApi(), TimeSpan.FromSeconds(PollIntervalSec), _deadline,
                    new JobWaitProgress(ProgressIds.WaitSutroJob, QueueProgress), QueueVerbose);
                WriteObject(RunAsync(token => waiter.WaitAsync(id, token)));
            }
            catch (Exception ex) when (IsPerItemFailure(ex))
            {
                WriteFailure(ex, id);
            }
        }
    }
}
