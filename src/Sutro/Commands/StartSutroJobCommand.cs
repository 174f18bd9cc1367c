using System;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// Start-SutroJob: submits a batch job (<c>POST batch-inference</c>) from the pipeline's inputs, or from a
/// CSV/Parquet file at a URL, and writes the new job (<c>jobs/{id}</c>). Inputs are spooled to a temporary
/// file as they arrive and the request streams from it. The submission is sent once and never retried.
/// -EstimateCost runs a dry run and writes its estimate; -Wait waits for the job as Wait-SutroJob does.
/// -IfExists goes on with (or refuses) an earlier job of the same name; -MaxEstimatedCost submits only when a
/// dry run on the same inputs stays within the limit.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SutroJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = TextSet)]
[OutputType(typeof(Job), typeof(CostEstimate))]
public sealed class StartSutroJobCommand : SubmissionCmdlet
{
    private const string UrlSet = "Url";

    /// <summary>A pre-signed https URL of a CSV or Parquet file holding the inputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNull]
    public Uri? InputUrl { get; set; }

    /// <summary>The column of the -InputUrl file that holds the inputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string? Column { get; set; }

    /// <summary>A column of the -InputUrl file that identifies each row; the results carry it.</summary>
    [Parameter(ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string? IdColumn { get; set; }

    /// <summary>Runs a dry run instead of the job, and writes its cost estimate.</summary>
    [Parameter]
    public SwitchParameter EstimateCost { get; set; }

    /// <summary>Waits for the job and writes it once it has succeeded.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait or -EstimateCost: how long to wait in all, counted from the submission.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>With -Wait or -EstimateCost: seconds between two status checks (default 5).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double PollIntervalSec { get; set; } = 5;

    private protected override bool TakesPipelineInputs => ParameterSetName != UrlSet;

    private protected override string OtherInputs => ", or name a file with -InputUrl";

    private protected override int UploadProgressId => ProgressIds.StartSutroJobUpload;

    private protected override int WaitProgressId => ProgressIds.StartSutroJobWait;

    private protected override TimeSpan? WaitTimeout =>
        Bound(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null;

    private protected override double PollIntervalSeconds => PollIntervalSec;

    protected override void BeginProcessing()
    {
        if (Wait && EstimateCost)
        {
            Refuse(ErrorIds.ParameterConflict, "-Wait and -EstimateCost cannot be used together: -EstimateCost already waits for the estimate.", null);
        }

        CheckGuards(EstimateCost);
        base.BeginProcessing();
        if (InputUrl is not null && (!InputUrl.IsAbsoluteUri || InputUrl.Scheme is not ("https" or "http")))
        {
            Refuse(ErrorIds.InputUrlInvalid, "-InputUrl must be an absolute https URL of a CSV or Parquet file (a pre-signed link).", null);
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            Submit();
        }
        finally
        {
            Dispose();
        }
    }

    private void Submit()
    {
        if (SubmitOnce(InputUrl, Column, IdColumn, EstimateCost) is not var (jobId, api, _))
        {
            return;
        }

        try
        {
            if (EstimateCost || Wait)
            {
                var waiter = new JobWaiter(api, TimeSpan.FromSeconds(PollIntervalSec), Deadline(),
                    new JobWaitProgress(ProgressIds.StartSutroJobWait, QueueProgress), QueueVerbose);
                Job done = RunAsync(token => waiter.WaitAsync(jobId, token));
                WriteObject(EstimateCost ? EstimateOf(done, Spool?.Count) : WithEstimate(done));
            }
            else
            {
                WriteObject(WithEstimate(RunAsync(token => api.GetJobAsync(jobId, token))));
            }
        }
        catch (Exception ex) when (ex is SutroApiException or SutroJobException or OperationCanceledException)
        {
            WriteFailure(ex, jobId);
        }
    }

    /// <summary>The job with its dry run's estimate (-MaxEstimatedCost) when the service gives none of its own.</summary>
    private Job WithEstimate(Job job) =>
        Estimate is { EstimatedCost: { } cost } && job.CostEstimate is null ? job with { CostEstimate = cost } : job;
}
