using System;
using System.Linq;
using System.Management.Automation;
using Sutro.Api;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroJob: one job per -JobId (<c>jobs/{id}</c>), or the jobs of the key (<c>list-jobs</c>, page by page)
/// newest first as the API gives them, as <see cref="Job"/> objects; -Status filters, -First limits.
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
                var api = CreateApi();
                Emit(RunAsync(token => api.GetJobAsync(id, token)));
            }
            catch (Exception ex) when (IsPerItemFailure(ex))
            {
                WriteFailure(ex, id);
            }
        }
    }

    /// <summary>
    /// Streams the list page by page: without -Status, -First N asks for one page of N (up to 100) and stops
    /// once N jobs are written.
    /// </summary>
    private void ListJobs()
    {
        try
        {
            bool filtered = Status is { Length: > 0 } || Name is not null;
            int pageSize = filtered ? SutroApi.MaxPageSize : Math.Min(First, SutroApi.MaxPageSize);
            var lister = CreateApi().ListJobs(pageSize);
            long listed = 0;
            while (_written < First && RunAsync(lister.NextAsync) is { } page)
            {
                listed += page.Count;
                foreach (Job job in page)
                {
                    if (_written >= First)
                    {
                        break;
                    }

                    Emit(job);
                }
            }

            WriteVerbose($"Read {listed} jobs from list-jobs, in pages of {pageSize}.");
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, null);
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
