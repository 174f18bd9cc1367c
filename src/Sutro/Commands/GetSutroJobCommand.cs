using System;
using System.Linq;
using System.Management.Automation;
using Sutro.Api;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroJob: one job per -JobId (<c>jobs/{id}</c>), or the jobs of the key (<c>list-jobs</c>, page by page)
/// newest first as the API gives them, as <see cref="Job"/> objects; -Status, -Name, -Model and the creation
/// window (-CreatedAfter/-Since, -CreatedBefore) filter, -First limits. A window's start ends the paging early.
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

    /// <summary>Only jobs whose model matches (wildcards allowed, case-insensitive).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Model { get; set; }

    /// <summary>Only jobs created at or after this time (a local time unless it says otherwise).</summary>
    [Parameter]
    public DateTime CreatedAfter { get; set; }

    /// <summary>Only jobs created before this time.</summary>
    [Parameter]
    public DateTime CreatedBefore { get; set; }

    /// <summary>Only jobs created within this time before now: (New-TimeSpan -Hours 24), or '1.00:00:00'.</summary>
    [Parameter]
    [ValidatePositiveTimeSpan]
    public TimeSpan Since { get; set; }

    /// <summary>At most this many jobs.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; } = int.MaxValue;

    private JobWindow _window;

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        bool after = MyInvocation.BoundParameters.ContainsKey(nameof(CreatedAfter));
        bool before = MyInvocation.BoundParameters.ContainsKey(nameof(CreatedBefore));
        bool since = MyInvocation.BoundParameters.ContainsKey(nameof(Since));
        if (after && since)
        {
            Refuse("-CreatedAfter and -Since both say where the window starts; give one of them.");
        }

        DateTime? start = since ? SutroApi.Ago(Since) : after ? CreatedAfter : null;
        _window = JobWindow.Of(start, before ? CreatedBefore : null);
        if (_window is { CreatedAfter: { } from, CreatedBefore: { } end } && from >= end)
        {
            Refuse($"The window is empty: it starts ({from:u}) at or after its end (-CreatedBefore " +
                $"{end:u}). Give a start before the end.");
        }
    }

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
    /// Streams the list page by page: without a filter, -First N asks for one page of N (up to 100) and stops
    /// once N jobs are written; with a window's start, the first page that reaches back before it is the last.
    /// </summary>
    private void ListJobs()
    {
        try
        {
            bool filtered = Status is { Length: > 0 } || Name is not null || Model is not null || _window.IsBounded;
            int pageSize = filtered ? SutroApi.MaxPageSize : Math.Min(First, SutroApi.MaxPageSize);
            var lister = CreateApi().ListJobs(pageSize, _window);
            while (_written < First && RunAsync(lister.NextAsync) is { } page)
            {
                foreach (Job job in page)
                {
                    if (_written >= First)
                    {
                        break;
                    }

                    Emit(job);
                }
            }

            string pages = lister.Pages == 1 ? "1 page" : $"{lister.Pages} pages";
            string stop = _window.CreatedAfter is { } start
                ? $"; jobs come newest first, so the pages stop at the first one reaching back before {start:u}."
                : ".";
            WriteVerbose($"Read {lister.Read} jobs from list-jobs, in {pages} of {pageSize}{stop}");
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

        if (Model is not null
            && !WildcardPattern.Get(Model, WildcardOptions.IgnoreCase).IsMatch(job.Model ?? string.Empty))
        {
            return;
        }

        if (!_window.Contains(job))
        {
            return;
        }

        _written++;
        WriteObject(job);
    }

    private void Refuse(string message) => ThrowTerminatingError(new ErrorRecord(new ArgumentException(message),
        ErrorIds.ParameterConflict, ErrorCategory.InvalidArgument, null));
}
