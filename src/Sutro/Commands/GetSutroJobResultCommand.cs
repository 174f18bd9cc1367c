using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using Sutro.Http;
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
public sealed class GetSutroJobResultCommand : SutroJobResultCmdlet
{
    private const int ProgressId = 0x5757;

    /// <summary>The progress id of Get-SutroJobResult's decoding bar (the download has its own).</summary>
    internal const int DecodeProgressId = 0x5760;

    private WaitDeadline _deadline = new(null);

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
        _deadline = new WaitDeadline(MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null);
        if (Raw && ExpandOutput)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Raw keeps every output exactly as the server sent it, so it cannot be combined with -ExpandOutput. Use one or the other."),
                "RawWithExpandOutput", ErrorCategory.InvalidArgument, null));
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
            catch (Exception ex) when (ex is SutroApiException or SutroJobException or ResultDecodeException or Settings.SettingsException or OperationCanceledException)
            {
                WriteFailure(ex, id);
            }
        }
    }

    private void FetchRows(string jobId)
    {
        var client = CreateClient();
        string flags = ResultFlags();
        string wire = Format.ToWire();
        string relative = $"jobs/{Uri.EscapeDataString(jobId)}/results?result_format={wire}&format={wire}&{flags}";

        using var download = new TemporaryFile();
        var progress = new ByteProgress(ProgressId, $"Downloading results of job {jobId}", QueueProgress);
        RunAsync(async token =>
        {
            // Right after a job reports SUCCEEDED its results may still be missing for a while: a
            // "not ready" answer for a job known to have succeeded (after -Wait, or as job-status
            // says) is retried for up to ResultsReadiness.Window.
            bool succeeded = Wait;
            long firstTry = Stopwatch.GetTimestamp();
            while (true)
            {
                try
                {
                    await using var file = download.OpenWrite();
                    return await client.DownloadAsync(relative, jobId, file, progress.Report, token).ConfigureAwait(false);
                }
                catch (SutroApiException ex) when (ResultsReadiness.IsNotReady(ex) && Stopwatch.GetElapsedTime(firstTry) < ResultsReadiness.Window)
                {
                    File.Delete(download.Path);
                    if (!succeeded)
                    {
                        JobStatusAnswer answer = await new JobsApi(client).GetStatusAsync(jobId, token).ConfigureAwait(false);
                        if (answer.Status != JobStatus.Succeeded)
                        {
                            throw new SutroApiException("JobNotComplete", System.Management.Automation.ErrorCategory.ResourceUnavailable,
                                $"Job '{jobId}' has no results yet: its status is {answer.Status}. Wait for it with Wait-SutroJob, or use Get-SutroJobResult -Wait.",
                                ex.StatusCode, ex);
                        }

                        succeeded = true;
                    }

                    QueueVerbose($"Job {jobId} has succeeded but its results are not ready yet ({ex.StatusCode}); trying again.");
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(PollIntervalSec, 5)), token).ConfigureAwait(false);
                }
            }
        });
        progress.Complete();

        ResultRowWriter.Write(
            download.Path, Format, new[] { jobId }, jobId, Raw, ExpandOutput, $"Job {jobId}", DecodeProgressId, RowSinks.For(this), StopToken);
    }

    private void WaitForSuccess(string jobId)
    {
        var waiter = new JobWaiter(new JobsApi(CreateClient()), TimeSpan.FromSeconds(PollIntervalSec), _deadline,
            new JobWaitProgress(WaitSutroJobCommand.ProgressId, QueueProgress), QueueVerbose);
        RunAsync(token => waiter.WaitAsync(jobId, token));
    }
}
