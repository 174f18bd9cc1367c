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
        FormatViews.EnsureLoaded(this);
        RefuseRawWithExpandOutput(Raw, ExpandOutput, "it is in the file");
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

    /// <summary>The progress id of Import-SutroJobResult's decoding bar.</summary>

    private void ImportFile(string file)
    {
        var candidates = OutputColumnCandidates(file);
        ResultRowWriter.Write(
            file, ResultExtensions.Of(file)?.Format, candidates, JobId, Raw, ExpandOutput,
            System.IO.Path.GetFileName(file), ProgressIds.ImportSutroJobResult, RowSinks.For(this), StopToken,
            namedJobId: JobId is null ? candidates.LastOrDefault(OutputColumn.LooksLikeJobId) : null);
    }

    /// <summary>
    /// The names the outputs column may carry besides <c>outputs</c>: -JobId when given, else the file's
    /// base name (a file saved as <c>&lt;job_id&gt;.csv</c> names its job); the CSV decoder adds the ZIP entry's.
    /// </summary>
    private IReadOnlyList<string> OutputColumnCandidates(string file)
    {
        if (JobId is not null)
        {
            return new KnownJobId(JobId);
        }

        string name = System.IO.Path.GetFileName(file);
        var names = new List<string>();
        while (System.IO.Path.GetExtension(name) is { Length: > 0 } extension && ResultExtensions.IsResultExtension(extension))
        {
            name = name[..^extension.Length];
            names.Add(name);
        }

        return names.Count == 0 ? new[] { System.IO.Path.GetFileNameWithoutExtension(file) } : names.ToArray();
    }

}
