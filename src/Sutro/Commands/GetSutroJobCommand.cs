using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroJob: one job per -JobId (<c>jobs/{id}</c>), or every job of the key (<c>list-jobs</c>)
/// newest first, as <see cref="Job"/> objects; -Status filters, -First limits.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SutroJob")]
[OutputType(typeof(Job))]
public sealed class GetSutroJobCommand : SutroApiCmdlet
{
    private int _written;

    /// <summary>The jobs to get; without it, every job of the key.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[]? JobId { get; set; }

    /// <summary>Only jobs with one of these statuses (Unknown also matches any status word the module does not know).</summary>
    [Parameter]
    [ValidateSet("Queued", "Starting", "Running", "Succeeded", "Cancelling", "Cancelled", "Failed", "Unknown", IgnoreCase = true)]
    public string[]? Status { get; set; }

    /// <summary>Only jobs whose name matches (wildcards allowed, case-insensitive).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>At most this many jobs.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; } = int.MaxValue;

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void ProcessRecord()
    {
        if (JobId is null || JobId.Length == 0)
        {
            ListJobs();
            return;
        }

        foreach (string id in JobId)
        {
            if (_written >= First)
            {
                return;
            }

            try
            {
                var api = new JobsApi(CreateClient());
                Emit(RunAsync(token => api.GetJobAsync(id, token)));
            }
            catch (Exception ex) when (ex is SutroApiException or SettingsException or OperationCanceledException)
            {
                WriteFailure(ex, id);
            }
        }
    }

    private void ListJobs()
    {
        List<Job> jobs;
        try
        {
            var api = new JobsApi(CreateClient());
            jobs = RunAsync(api.ListJobsAsync);
        }
        catch (Exception ex) when (ex is SutroApiException or SettingsException or OperationCanceledException)
        {
            WriteFailure(ex, null);
            return;
        }

        WriteVerbose($"The API lists {jobs.Count} jobs.");
        foreach (Job job in JobsApi.NewestFirst(jobs))
        {
            if (_written >= First)
            {
                return;
            }

            Emit(job);
        }
    }

    private void Emit(Job job)
    {
        if (Status is { Length: > 0 } wanted && !wanted.Any(status => JobStatus.Matches(job.Status, status)))
        {
            return;
        }

        if (Name is not null && !WildcardPattern.Get(Name, WildcardOptions.IgnoreCase).IsMatch(job.Name ?? string.Empty))
        {
            return;
        }

        _written++;
        WriteObject(job);
    }
}
