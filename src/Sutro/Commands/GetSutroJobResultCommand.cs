using System;
using System.IO;
using System.Management.Automation;
using Sutro.Api;
using Sutro.Cache;
using Sutro.Jobs;
using Sutro.Results;
using Sutro.Rows;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroJobResult: downloads a finished job's results to a temporary file and writes one
/// <see cref="JobResultRow"/> per result row to the pipeline, decoded from JSON, zipped CSV or Parquet.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SutroJobResult")]
[OutputType(typeof(JobResultRow))]
public sealed class GetSutroJobResultCommand : SutroApiCmdlet
{
    private WaitDeadline _deadline = new(null);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter IncludeInput { get; set; }

    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    [Parameter]
    public ResultFormat Format { get; set; } = ResultFormat.Parquet;

    [Parameter]
    public SwitchParameter ExpandOutput { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>Wait for each job to succeed first (as Wait-SutroJob does), then fetch its results.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how long this command waits in all; without it, as long as it takes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Seconds between two status checks with -Wait, and between two tries of results that are not ready yet (default 5).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double PollIntervalSec { get; set; } = 5;

    /// <summary>Neither reads nor writes the local results cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>Downloads the results even when the cache holds them, and replaces the cache file.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    /// <summary>The cache is used for Parquet only: -Format Json and Csv ask for the server's own file.</summary>
    private bool CacheApplies => !NoCache && Format == ResultFormat.Parquet;

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        _deadline = new WaitDeadline(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null);
        RefuseRawWithExpandOutput(Raw, ExpandOutput);

        if (NoCache && Refresh)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-NoCache leaves the results cache alone, while -Refresh replaces the cached results. Use one or the other."),
                ErrorIds.ParameterConflict, ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string id in JobId)
        {
            try
            {
                FetchRows(id);
            }
            catch (Exception ex) when (IsPerItemFailure(ex))
            {
                WriteFailure(ex, id);
            }
        }
    }

    private void FetchRows(string jobId)
    {
        var asked = new ColumnsAsked(IncludeInput, IncludeCumulativeLogprob);
        var cache = ResultsCache.ForUser();
        bool useCache = CacheApplies && ResultsCache.CanName(jobId);
        if (CacheApplies && !useCache)
        {
            WriteVerbose($"Job {jobId}: the id cannot name a cache file, so the results cache is not used.");
        }

        if (useCache && !Refresh)
        {
            var found = CachedResults.Find(cache, jobId, IncludeInput, IncludeCumulativeLogprob, StopToken);
            WriteVerbose(found.Reason);
            if (found.Path is not null)
            {
                // Only a succeeded job has results to cache, so there is nothing to wait for.
                WriteCachedRows(jobId, found.Path, asked);
                return;
            }
        }
        else if (useCache)
        {
            WriteVerbose($"Job {jobId}: -Refresh: the results are downloaded again and replace the cached ones.");
        }

        if (Wait)
        {
            WaitForSuccess(jobId);
        }

        var api = CreateApi();
        var request = new ResultsRequest(jobId, Format, IncludeInput, IncludeCumulativeLogprob)
        {
            KnownSucceeded = Wait,
            RetryInterval = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, 5)),
        };
        using var download = new TemporaryFile();
        using var validator = ResultBodyValidator.Start(Format, new KnownJobId(jobId), StopToken);
        ResultsFile file = DownloadResults(api, request, new ResultsTarget(download.Path) { Validator = validator },
            ProgressIds.GetSutroJobResultDownload);

        WriteRows(jobId, download.Path, file.Format, validator);

        // Only a file whose every row decoded is cached, once its rows are in the pipeline: a download that fails
        // to decode, or a pipeline stopped early, leaves the cache as it was.
        if (useCache && file.Format == ResultFormat.Parquet)
        {
            Store(cache, jobId, download.Path, asked);
        }
    }

    /// <summary>Saves a complete Parquet download in the cache; a cache that cannot be written is a warning.</summary>
    private void Store(ResultsCache cache, string jobId, string path, ColumnsAsked asked)
    {
        try
        {
            WriteVerbose(CacheWriter.Store(cache, jobId, path, asked, StopToken));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"Job {jobId}: the results could not be saved to the results cache {cache.Folder}: {ex.Message} " +
                "The rows are written all the same; use -NoCache to skip the cache.");
        }
    }

    /// <summary>The rows of a cache file, with the inputs and logprobs only when asked for.</summary>
    private void WriteCachedRows(string jobId, string path, ColumnsAsked asked)
    {
        try
        {
            ResultRowWriter.Write(path, ResultFormat.Parquet, new KnownJobId(jobId), jobId, Raw, ExpandOutput, $"Job {jobId}",
                ProgressIds.GetSutroJobResultDecode, RowSinks.For(this), StopToken, asked: asked);
        }
        catch (ResultDecodeException ex)
        {
            throw new ResultDecodeException($"The cached results of job '{jobId}' ({path}) could not be read: {ex.Message} " +
                "Run the command again with -Refresh to download them again.", ex);
        }
    }

    /// <summary>Decodes the downloaded file, shapes each row and writes it to the pipeline.</summary>
    /// <param name="validator">The first pass run while the file downloaded, if any.</param>
    private void WriteRows(string jobId, string path, ResultFormat format, ResultBodyValidator? validator) =>
        ResultRowWriter.Write(path, format, new KnownJobId(jobId), jobId, Raw, ExpandOutput, $"Job {jobId}",
            ProgressIds.GetSutroJobResultDecode, RowSinks.For(this), StopToken, validator);

    private void WaitForSuccess(string jobId)
    {
        var waiter = new JobWaiter(CreateApi(), TimeSpan.FromSeconds(PollIntervalSec), _deadline,
            new JobWaitProgress(ProgressIds.GetSutroJobResultWait, QueueProgress), QueueVerbose);
        RunAsync(token => waiter.WaitAsync(jobId, token));
    }
}
