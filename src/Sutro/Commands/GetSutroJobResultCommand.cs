using System;
using System.Management.Automation;
using Sutro.Api;
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

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        _deadline = new WaitDeadline(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null);
        if (Raw && ExpandOutput)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Raw keeps every output exactly as the server sent it, so it cannot be combined with -ExpandOutput. Use one or the other."),
                ErrorIds.RawWithExpandOutput, ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string id in JobId)
        {
            try
            {
                if (Wait)
                {
                    WaitForSuccess(id);
                }

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
