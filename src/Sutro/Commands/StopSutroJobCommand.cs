using System;
using System.Management.Automation;
using Sutro.Api;
using Sutro.Http;
using Sutro.Jobs;

namespace Sutro.Commands;

/// <summary>
/// Stop-SutroJob: asks the API to cancel each job (<c>job-cancel/{id}</c>); the job goes CANCELLING,
/// then CANCELLED. -WhatIf sends nothing; -PassThru writes each job as it is after the request.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SutroJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Job))]
public sealed class StopSutroJobCommand : SutroApiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

    /// <summary>Write each job (a Sutro.Job) after the cancellation request.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void ProcessRecord()
    {
        foreach (string id in JobId)
        {
            if (!ShouldProcess(id, "Cancel the Sutro job"))
            {
                continue;
            }

            try
            {
                var api = CreateApi();
                Job? job = RunAsync(token => CancelAsync(api, id, token));
                if (PassThru && job is not null)
                {
                    WriteObject(job);
                }
            }
            catch (Exception ex) when (IsPerItemFailure(ex))
            {
                WriteFailure(ex, id);
            }
        }
    }

    private async System.Threading.Tasks.Task<Job?> CancelAsync(SutroApi api, string id, System.Threading.CancellationToken token)
    {
        try
        {
            await api.CancelAsync(id, token).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode is 400 or 409)
        {
            // Refused: most likely the job is over already. Say so plainly when it is.
            Job current = await api.GetJobAsync(id, token).ConfigureAwait(false);
            if (current.IsFinal)
            {
                throw new SutroJobException(ErrorIds.JobNotCancellable, ErrorCategory.InvalidOperation,
                    $"Job '{id}' is already {current.Status}, so there is nothing to cancel.", id, current);
            }

            throw;
        }

        QueueVerbose($"Asked the API to cancel job {id}.");
        return PassThru ? await api.GetJobAsync(id, token).ConfigureAwait(false) : null;
    }
}
