using System;
using System.Management.Automation;
using System.Net.Http;
using Sutro.Http;
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
    private const int ProgressId = 0x5757;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    public string[] JobId { get; set; } = Array.Empty<string>();

    [Parameter]
    public ResultFormat Format { get; set; } = ResultFormat.Parquet;

    [Parameter]
    public SwitchParameter IncludeInput { get; set; }

    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    [Parameter]
    public SwitchParameter ExpandOutput { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void BeginProcessing()
    {
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
                FetchRows(id);
            }
            catch (Exception ex) when (ex is SutroApiException or ResultDecodeException or Settings.SettingsException or OperationCanceledException)
            {
                WriteFailure(ex, id);
            }
        }
    }

    private void FetchRows(string jobId)
    {
        var client = CreateClient();
        string flags = $"include_inputs={Bool(IncludeInput)}&include_cumulative_logprobs={Bool(IncludeCumulativeLogprob)}";
        string wire = Format.ToWire();
        string relative = $"jobs/{Uri.EscapeDataString(jobId)}/results?result_format={wire}&format={wire}&{flags}";

        using var download = new TemporaryFile();
        var progress = new ByteProgress(ProgressId, $"Downloading results of job {jobId}", QueueProgress);
        RunAsync(async token =>
        {
            await using var file = download.OpenWrite();
            return await client.DownloadAsync(relative, jobId, file, progress.Report, token).ConfigureAwait(false);
        });
        progress.Complete();

        using var decoder = ResultDecoders.Open(download.Path, Format, new[] { jobId }, StopToken);
        WriteVerbose($"Job {jobId}: {decoder.RowCount} rows.");
        var shaper = new RowShaper(jobId, decoder.Schema, Raw, ExpandOutput, WriteWarning);
        long index = 0;
        foreach (var batch in BatchPrefetcher.Prefetch(decoder, StopToken))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                WriteObject(shaper.Shape(batch, i, index++));
            }
        }

        shaper.Finish();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
