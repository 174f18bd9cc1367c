using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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
public sealed class ExportSutroJobResultCommand : SutroJobResultCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressId = 0x5758;

    private ExportDestination? _destination;
    private string _destinationText = string.Empty;
    private int _jobsSeen;

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
                "ForceWithNoClobber", ErrorCategory.InvalidArgument, null));
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
                    "FolderRequired", ErrorCategory.InvalidArgument, id));
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
            WriteError(Record(ex, jobId));
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
                throw new ExportException(ExportError.OutputPathIsFolder,
                    $"'{target}' is a folder, so the results of job {jobId} cannot be saved there under that name. Choose another path.");
            }

            if (!Force && File.Exists(target))
            {
                throw StagedFile.OutputFileExists(target);
            }

            long bytes = Save(jobId, target, destination.Kind);
            WriteVerbose($"Job {jobId}: saved {bytes} bytes to {target}.");
            if (PassThru)
            {
                WriteObject(SavedFile(target));
            }
        }
        catch (ExportException ex)
        {
            WriteError(Record(ex, target));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(
                new IOException($"Could not write the results of job {jobId} to '{target}': {ex.Message} Check the folder's free space and permissions.", ex),
                "OutputWriteFailed", ErrorCategory.WriteError, target));
        }
        catch (Exception ex) when (ex is SutroApiException or ResultDecodeException or SettingsException or OperationCanceledException)
        {
            WriteFailure(ex, jobId);
        }
    }

    private long Save(string jobId, string target, ResultFileKind kind)
    {
        var client = CreateClient();
        var progress = new ByteProgress(ProgressId, $"Saving the results of job {jobId}", QueueProgress);
        try
        {
            return kind switch
            {
                ResultFileKind.Parquet => SaveParquet(client, jobId, target, progress),
                ResultFileKind.Csv => SaveCsv(client, jobId, target, progress),
                _ => SaveAsSent(client, jobId, target, kind, progress),
            };
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The server's file for <paramref name="kind"/>, byte for byte, from the results endpoint.</summary>
    private long SaveAsSent(SutroApiClient client, string jobId, string target, ResultFileKind kind, ByteProgress progress)
    {
        using var staged = new StagedFile(target);
        long bytes = Download(client, jobId, kind.Format(), staged.Path, progress);
        DownloadedFileCheck.Require(staged.Path, kind);
        staged.Commit(Force);
        return bytes;
    }

    /// <summary>The CSV inside the server's ZIP, byte for byte, checked against the ZIP's CRC-32.</summary>
    private long SaveCsv(SutroApiClient client, string jobId, string target, ByteProgress progress)
    {
        using var zip = new StagedFile(target + ".zip");
        Download(client, jobId, ResultFormat.Csv, zip.Path, progress);
        DownloadedFileCheck.Require(zip.Path, ResultFileKind.ZippedCsv);
        using var csv = new StagedFile(target);
        long bytes = RunAsync(token =>
        {
            using var file = csv.OpenWrite();
            return Task.FromResult(ZippedCsvExtractor.ExtractTo(zip.Path, file, token));
        });
        csv.Commit(Force);
        return bytes;
    }

    /// <summary>
    /// Parquet from the pre-signed link of <c>results-url</c>, resumable; from the results endpoint when
    /// the deployment has no such endpoint.
    /// </summary>
    private long SaveParquet(SutroApiClient client, string jobId, string target, ByteProgress progress)
    {
        ResultsArtifact? artifact = RunAsync(token => AskForArtifactAsync(client, jobId, token));
        if (artifact is null)
        {
            return SaveAsSent(client, jobId, target, ResultFileKind.Parquet, progress);
        }

        var partial = new PartialDownload(target);
        using var claim = partial.Lock();
        var identity = new PartialDownload.Identity(jobId, IncludeInput, IncludeCumulativeLogprob);
        // A break or a transient storage failure is retried like any GET; each try resumes from the bytes
        // the partial download kept (Range/If-Range), so nothing is fetched twice.
        RunAsync(token => client.WithRetriesAsync(System.Net.Http.HttpMethod.Get, async () =>
        {
            await ResumableArtifactDownload.RunAsync(client, artifact, partial, identity, progress.Report, QueueVerbose, token).ConfigureAwait(false);
            return true;
        }, token));

        try
        {
            DownloadedFileCheck.Require(partial.DataPath, ResultFileKind.Parquet);
        }
        catch (ResultDecodeException)
        {
            partial.Discard();
            throw;
        }

        StagedFile.MoveIntoPlace(partial.DataPath, target, Force);
        partial.ForgetState();
        return artifact.SizeBytes;
    }

    private async Task<ResultsArtifact?> AskForArtifactAsync(SutroApiClient client, string jobId, CancellationToken token)
    {
        string relative = $"jobs/{Uri.EscapeDataString(jobId)}/results-url?format=parquet&{ResultFlags()}";
        try
        {
            using var answer = await client.GetJsonAsync(relative, jobId, token).ConfigureAwait(false);
            var artifact = ResultsArtifact.TryParse(answer.RootElement);
            if (artifact is null)
            {
                QueueVerbose($"Job {jobId}: the results-url answer has no usable link and size; downloading from the results endpoint instead.");
            }

            return artifact;
        }
        catch (SutroApiException ex) when (ex.StatusCode is 404 or 405 or 501 || ex.ErrorId == "InvalidApiResponse")
        {
            QueueVerbose($"Job {jobId}: no results-url here ({ex.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.ErrorId}); downloading from the results endpoint instead.");
            return null;
        }
    }

    private long Download(SutroApiClient client, string jobId, ResultFormat format, string path, ByteProgress progress)
    {
        string wire = format.ToWire();
        string relative = $"jobs/{Uri.EscapeDataString(jobId)}/results?result_format={wire}&format={wire}&{ResultFlags()}";
        return RunAsync(async token =>
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            return await client.DownloadAsync(relative, jobId, file, progress.Report, token).ConfigureAwait(false);
        });
    }

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

    private static ErrorRecord Record(ExportException ex, object target) => new(ex, ex.ErrorId, ex.Error switch
    {
        ExportError.OutputFileExists or ExportError.OutputPathIsFolder => ErrorCategory.ResourceExists,
        ExportError.OutputFolderNotFound => ErrorCategory.ObjectNotFound,
        ExportError.ExportInProgress => ErrorCategory.ResourceBusy,
        _ => ErrorCategory.InvalidArgument,
    }, target);

    private static string Describe(ResultFileKind kind) => kind switch
    {
        ResultFileKind.Parquet => "Parquet",
        ResultFileKind.Json => "JSON",
        ResultFileKind.ZippedCsv => "zipped CSV",
        _ => "CSV",
    };
}
