using System;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using Sutro.Api;
using Sutro.Export;
using Sutro.Http;
using Sutro.Results;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Export-SutroJobResult: saves a finished job's results file to disk, streamed, under a temporary name
/// beside the target and renamed at the end. Parquet comes from the pre-signed <c>results-url</c> link when
/// the server offers one, and a broken download is resumed by the next run of the same command.
/// </summary>
[Cmdlet(VerbsData.Export, "SutroJobResult", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSutroJobResultCommand : SutroApiCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private ExportDestination? _destination;
    private string _destinationText = string.Empty;
    private int _jobsSeen;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter IncludeInput { get; set; }

    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    /// <summary>A folder (one <c>&lt;job_id&gt;.&lt;ext&gt;</c> file a job) or a file; the current folder when left out.</summary>
    [Parameter(Position = 1, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    /// <summary>The format to save; by default the one the file's extension names (Parquet for a folder).</summary>
    [Parameter]
    public ResultFormat? Format { get; set; }

    /// <summary>Replaces an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Never replaces an existing file (the default; accepted for habit's sake).</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Writes the saved file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if (Force && NoClobber)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Force replaces an existing file and -NoClobber forbids it. Use one or the other."),
                ErrorIds.ForceWithNoClobber, ErrorCategory.InvalidArgument, null));
        }

        bool literal = ParameterSetName == LiteralPathSet;
        string? given = literal ? LiteralPath : Path;
        _destinationText = given ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        try
        {
            string resolved = given is null ? _destinationText : PathHelper.PathToWrite(this, given, literal);
            bool namesFolder = given is not null && (given.EndsWith('/') || given.EndsWith('\\'));
            _destination = ExportDestination.Create(resolved, namesFolder, Format);
        }
        catch (PathResolutionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ex.Category, _destinationText));
        }
        catch (ExportException ex)
        {
            ThrowTerminatingError(Record(ex, _destinationText));
        }
    }

    protected override void ProcessRecord()
    {
        var destination = _destination!;
        if (!destination.IsFolder && (JobId.Length > 1 || _jobsSeen > 0))
        {
            foreach (string id in JobId)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Several jobs need a folder, but '{_destinationText}' names a file. Give -Path a folder to save one file a job."),
                    ErrorIds.FolderRequired, ErrorCategory.InvalidArgument, id));
            }

            _jobsSeen += JobId.Length;
            return;
        }

        foreach (string id in JobId)
        {
            _jobsSeen++;
            ExportOne(destination, id);
        }
    }

    private void ExportOne(ExportDestination destination, string jobId)
    {
        string target;
        try
        {
            target = destination.FileFor(jobId);
        }
        catch (ExportException ex)
        {
            WriteFailure(ex, jobId);
            return;
        }

        if (!ShouldProcess(target, $"Save the results of job {jobId} as {Describe(destination.Kind)}"))
        {
            return;
        }

        try
        {
            if (Directory.Exists(target))
            {
                throw new ExportException(ErrorIds.OutputPathIsFolder, ErrorCategory.ResourceExists,
                    $"'{target}' is a folder, so the results of job {jobId} cannot be saved there under that name. Choose another path.");
            }

            if (!Force && File.Exists(target))
            {
                throw StagedFile.OutputFileExists(target);
            }

            var (bytes, saved) = Save(jobId, target, destination);
            WriteVerbose($"Job {jobId}: saved {bytes} bytes to {saved}.");
            if (PassThru)
            {
                WriteObject(SavedFile(saved));
            }
        }
        catch (ExportException ex)
        {
            WriteFailure(ex, target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(
                new IOException($"Could not write the results of job {jobId} to '{target}': {ex.Message} Check the folder's free space and permissions.", ex),
                ErrorIds.OutputWriteFailed, ErrorCategory.WriteError, target));
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, jobId);
        }
    }

    /// <summary>Saves one job's results; returns the bytes written and the file they went to.</summary>
    private (long Bytes, string Saved) Save(string jobId, string target, ExportDestination destination)
    {
        var api = CreateApi();
        var kind = destination.Kind;
        var request = new ResultsRequest(jobId, kind.Format(), IncludeInput, IncludeCumulativeLogprob)
        {
            RetryInterval = TimeSpan.FromSeconds(5),
        };
        var sent = new ExportTarget(jobId, target, destination, Force);
        var progress = new ByteProgress(ProgressIds.ExportSutroJobResult, $"Saving the results of job {jobId}", QueueProgress);
        try
        {
            return kind switch
            {
                ResultFileKind.Parquet => SaveParquet(api, request, sent, progress),
                ResultFileKind.Csv => SaveCsv(api, request, sent, progress),
                _ => SaveAsSent(api, request, sent, progress),
            };
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The server's file for <paramref name="kind"/>, byte for byte, from the results endpoint.</summary>
    private (long, string) SaveAsSent(SutroApi api, ResultsRequest request, ExportTarget sent, ByteProgress progress)
    {
        using var staged = new StagedFile(sent.Target);
        var file = RunAsync(token => api.DownloadResultsAsync(request, new ResultsTarget(staged.Path), progress.Report, token));
        if (sent.CameAsJson(file))
        {
            return Placed(sent.PlaceJson(staged.Path, WriteVerbose, WriteWarning));
        }

        DownloadedFileCheck.Require(staged.Path, sent.Kind);
        if (sent.Kind == ResultFileKind.Json)
        {
            JsonJobStamp.Stamp(staged.Path, request.JobId);
        }

        staged.Commit(Force);
        return (new FileInfo(sent.Target).Length, sent.Target);
    }

    /// <summary>The CSV inside the server's ZIP, byte for byte, checked against the ZIP's CRC-32.</summary>
    private (long, string) SaveCsv(SutroApi api, ResultsRequest request, ExportTarget sent, ByteProgress progress)
    {
        using var zip = new StagedFile(sent.Target + ".zip");
        var file = RunAsync(token => api.DownloadResultsAsync(request, new ResultsTarget(zip.Path), progress.Report, token));
        if (sent.CameAsJson(file))
        {
            return Placed(sent.PlaceJson(zip.Path, WriteVerbose, WriteWarning));
        }

        DownloadedFileCheck.Require(zip.Path, ResultFileKind.ZippedCsv);
        using var csv = new StagedFile(sent.Target);
        long bytes = RunAsync(token =>
        {
            using var file = csv.OpenWrite();
            return Task.FromResult(ZippedCsvExtractor.ExtractTo(zip.Path, file, token));
        });
        csv.Commit(Force);
        return (bytes, sent.Target);
    }

    /// <summary>
    /// Parquet from the pre-signed link of <c>results-url</c>, kept beside the target as a partial download that
    /// the next run resumes; from the results endpoint when the deployment has no such endpoint.
    /// </summary>
    private (long, string) SaveParquet(SutroApi api, ResultsRequest request, ExportTarget sent, ByteProgress progress)
    {
        string target = sent.Target;
        var partial = new PartialDownload(target);
        using var claim = partial.Lock();
        var results = new ResultsTarget(partial.DataPath) { Partial = partial };
        ResultsFile file;
        try
        {
            file = RunAsync(token => api.DownloadResultsAsync(request, results, progress.Report, token));
            if (sent.CameAsJson(file))
            {
                try
                {
                    return Placed(sent.PlaceJson(partial.DataPath, WriteVerbose, WriteWarning));
                }
                finally
                {
                    partial.Discard();
                }
            }

            DownloadedFileCheck.Require(partial.DataPath, ResultFileKind.Parquet);
        }
        catch (Exception ex) when (!File.Exists(partial.StatePath) || ex is ResultDecodeException
            || ex is SutroApiException { IsNetworkFailure: false })
        {
            partial.Discard();
            throw;
        }

        // The download is complete: it is no longer resumable once its footer records the job.
        partial.ForgetState();
        if (!ParquetJobStamp.Stamp(partial.DataPath, request.JobId))
        {
            WriteVerbose($"Job {request.JobId}: the Parquet footer is encrypted, so the job id is not recorded in the file.");
        }

        StagedFile.MoveIntoPlace(partial.DataPath, target, Force);
        return (new FileInfo(target).Length, target);
    }

    private static (long, string) Placed(string path) => (new FileInfo(path).Length, path);

    /// <summary>The FileInfo as Get-Item gives it (with PSPath), so it pipes into Import-SutroJobResult.</summary>
    private object SavedFile(string target)
    {
        try
        {
            var items = SessionState.InvokeProvider.Item.Get(new[] { target }, force: true, literalPath: true);
            if (items.Count == 1)
            {
                return items[0];
            }
        }
        catch (Exception ex) when (ex is SessionStateException or ProviderInvocationException or NotSupportedException)
        {
        }

        return new FileInfo(target);
    }

    private static ErrorRecord Record(ExportException ex, object target) => new(ex, ex.ErrorId, ex.Category, target);

    private static string Describe(ResultFileKind kind) => kind switch
    {
        ResultFileKind.Parquet => "Parquet",
        ResultFileKind.Json => "JSON",
        ResultFileKind.ZippedCsv => "zipped CSV",
        _ => "CSV",
    };
}
