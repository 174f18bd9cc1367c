using System;
using System.Management.Automation;
using Sutro.Api;
using Sutro.Results;
using Sutro.Rows;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// Join-SutroJobResult: pairs the pipeline's inputs with the results of a job that has succeeded, and writes the
/// rows Invoke-SutroBatch writes (<see cref="InputJoin"/>): by position, or by key with -On. By default the job's
/// results come with their inputs, and each input's text must be the one the job ran for its row (InputMismatch);
/// -NoVerify skips that. Every check is made before any row is written. The inputs are held in memory; the
/// results are streamed from the downloaded file.
/// </summary>
[Cmdlet(VerbsCommon.Join, "SutroJobResult", DefaultParameterSetName = TextSet)]
[OutputType(typeof(JobResultRow))]
public sealed class JoinSutroJobResultCommand : PipelineInputCmdlet
{
    private InputJoin? _join;

    /// <summary>The job whose results the inputs are paired with.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string JobId { get; set; } = string.Empty;

    /// <summary>The inputs' property and the results' column (the job's id column) to pair by, instead of by position.</summary>
    [Parameter(ParameterSetName = PropertySet)]
    [Parameter(ParameterSetName = ScriptSet)]
    [Parameter(ParameterSetName = ObjectSet)]
    [ValidateNotNullOrEmpty]
    public string? On { get; set; }

    /// <summary>Pairs the inputs with the results without checking them against the job's returned inputs.</summary>
    [Parameter]
    public SwitchParameter NoVerify { get; set; }

    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    [Parameter]
    public ResultFormat Format { get; set; } = ResultFormat.Parquet;

    [Parameter]
    public SwitchParameter ExpandOutput { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        RefuseRawWithExpandOutput(Raw, ExpandOutput);

        Rows = new InputRows(Mode, InputProperty, InputScript, spool: false);
        _join = new InputJoin(Mode, On);
    }

    private protected override void OnInput(PSObject? input, string? text) => _join!.Add(input, text);

    protected override void EndProcessing()
    {
        var join = _join!;
        if (join.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                $"No inputs came: pipe the strings or objects job '{JobId}' was submitted with into Join-SutroJobResult " +
                "(or give -InputObject)."), ErrorIds.NoInputs, ErrorCategory.InvalidArgument, JobId));
        }

        try
        {
            join.CheckInputKeys(JobId);
            Fetch(join);
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, JobId);
        }
    }

    private void Fetch(InputJoin join)
    {
        var api = CreateApi();
        bool verify = !NoVerify;
        var request = new ResultsRequest(JobId, Format, IncludeInputs: verify, IncludeLogprobs: IncludeCumulativeLogprob);
        using var download = new TemporaryFile();
        using var validator = ResultBodyValidator.Start(Format, new KnownJobId(JobId), StopToken);
        ResultsFile file = DownloadResults(api, request, new ResultsTarget(download.Path) { Validator = validator },
            ProgressIds.JoinSutroJobResultDownload);

        ResultRowWriter.Write(download.Path, file.Format, new KnownJobId(JobId), JobId, Raw, ExpandOutput, $"Job {JobId}",
            ProgressIds.JoinSutroJobResultDecode, join.Sink(RowSinks.For(this), JobId, verify), StopToken, validator);
    }
}
