using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Sutro.Results;
using Sutro.Rows;

namespace Sutro.Commands;

/// <summary>
/// Import-SutroJobResult: reads results files (Parquet, JSON, the zipped CSV or a bare CSV; the format is
/// recognised from the content) into the same <see cref="JobResultRow"/> objects Get-SutroJobResult writes.
/// </summary>
[Cmdlet(VerbsData.Import, "SutroJobResult", DefaultParameterSetName = PathSet)]
[OutputType(typeof(JobResultRow))]
public sealed class ImportSutroJobResultCommand : SutroCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files to read, taken as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The job the files belong to: sets JobId on the rows and names the CSV/Parquet outputs column.</summary>
    [Parameter]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    public string? JobId { get; set; }

    [Parameter]
    public SwitchParameter ExpandOutput { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void BeginProcessing()
    {
        if (Raw && ExpandOutput)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Raw keeps every output exactly as it is in the file, so it cannot be combined with -ExpandOutput. Use one or the other."),
                ErrorIds.RawWithExpandOutput, ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string given in literal ? LiteralPath : Path)
        {
            foreach (string file in PathHelper.FilesToRead(this, given, literal))
            {
                try
                {
                    ImportFile(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteError(new ErrorRecord(
                        new IOException($"Could not read '{file}': {ex.Message}", ex),
                        ErrorIds.InputReadFailed, ErrorCategory.ReadError, file));
                }
                catch (Exception ex) when (IsPerItemFailure(ex))
                {
                    WriteFailure(ex, file);
                }
            }
        }
    }

    private void ImportFile(string file)
    {
        string[] candidates = OutputColumnCandidates(file);
        using var decoder = ResultDecoders.Open(file, FormatFromExtension(file), candidates, StopToken);
        string? jobId = JobId ?? OutputColumnJobId(decoder);
        WriteVerbose($"{file}: {decoder.RowCount} rows{(jobId is null ? string.Empty : $" of job {jobId}")}.");
        var shaper = new RowShaper(jobId, decoder.Schema, Raw, ExpandOutput, WriteWarning, subject: System.IO.Path.GetFileName(file));
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

    /// <summary>
    /// The names the outputs column may carry besides <c>outputs</c>: -JobId when given, else the file's
    /// base name (a file saved as <c>&lt;job_id&gt;.csv</c> names its job); the CSV decoder adds the ZIP entry's.
    /// </summary>
    private string[] OutputColumnCandidates(string file)
    {
        if (JobId is not null)
        {
            return new[] { JobId };
        }

        string name = System.IO.Path.GetFileName(file);
        var names = new List<string>();
        while (System.IO.Path.GetExtension(name) is { Length: > 0 } extension && IsResultExtension(extension))
        {
            name = name[..^extension.Length];
            names.Add(name);
        }

        return names.Count == 0 ? new[] { System.IO.Path.GetFileNameWithoutExtension(file) } : names.ToArray();
    }

    /// <summary>The job id an outputs column named after its job gives (CSV and Parquet only).</summary>
    private static string? OutputColumnJobId(IResultDecoder decoder) => decoder switch
    {
        CsvResultDecoder csv => csv.OutputColumnJobId,
        ParquetResultDecoder parquet => parquet.OutputColumnJobId,
        _ => null,
    };

    /// <summary>The format an extension suggests; the content decides wherever it can (Parquet magic, ZIP, JSON).</summary>
    private static ResultFormat? FormatFromExtension(string file) => System.IO.Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".parquet" => ResultFormat.Parquet,
        ".json" => ResultFormat.Json,
        ".csv" or ".zip" => ResultFormat.Csv,
        _ => null,
    };

    private static bool IsResultExtension(string extension) =>
        extension.ToLowerInvariant() is ".parquet" or ".json" or ".csv" or ".zip";
}
