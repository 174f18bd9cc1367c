using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using Sutro.Api;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Settings;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// Start-SutroJob: submits a batch job (<c>POST batch-inference</c>) from the pipeline's inputs, or from a
/// CSV/Parquet file at a URL, and writes the new job (<c>jobs/{id}</c>). Inputs are spooled to a temporary
/// file as they arrive and the request streams from it. The submission is sent once and never retried.
/// -EstimateCost runs a dry run and writes its estimate; -Wait waits for the job as Wait-SutroJob does.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SutroJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = TextSet)]
[OutputType(typeof(Job), typeof(CostEstimate))]
public sealed class StartSutroJobCommand : SutroApiCmdlet, IDisposable
{
    private const string TextSet = "Text";
    private const string PropertySet = "Property";
    private const string ScriptSet = "Script";
    private const string ObjectSet = "Objects";
    private const string UrlSet = "Url";
    private const long UploadProgressAbove = 4 * 1024 * 1024;

    private InputRows? _rows;
    private long _seen;
    private string? _schema;
    private string? _sampling;

    /// <summary>The model (or Function) that runs the job.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = string.Empty;

    /// <summary>The inputs: text, or objects read with -InputProperty, -InputScript or -ObjectRows.</summary>
    [Parameter(ParameterSetName = TextSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = PropertySet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ScriptSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The property of each input object that holds its text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PropertySet)]
    [ValidateNotNullOrEmpty]
    public string? InputProperty { get; set; }

    /// <summary>A script that makes each input's text from the object in $_.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptSet)]
    [ValidateNotNull]
    public ScriptBlock? InputScript { get; set; }

    /// <summary>Sends each input object whole, as a JSON object (for Function models).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet)]
    public SwitchParameter ObjectRows { get; set; }

    /// <summary>A pre-signed https URL of a CSV or Parquet file holding the inputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNull]
    public Uri? InputUrl { get; set; }

    /// <summary>The column of the -InputUrl file that holds the inputs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string? Column { get; set; }

    /// <summary>A column of the -InputUrl file that identifies each row; the results carry it.</summary>
    [Parameter(ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string? IdColumn { get; set; }

    [Parameter]
    [ValidateNotNull]
    public string? SystemPrompt { get; set; }

    /// <summary>The JSON schema of structured outputs: a hashtable or object, JSON text, or the path of a .json file.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? OutputSchema { get; set; }

    /// <summary>0 (the default) or 1.</summary>
    [Parameter]
    [ValidateRange(0, 1)]
    public int Priority { get; set; }

    /// <summary>Sampling parameters such as temperature, top_p, max_tokens.</summary>
    [Parameter]
    [ValidateNotNull]
    public IDictionary? SamplingParameters { get; set; }

    [Parameter]
    public SwitchParameter RandomSeedPerInput { get; set; }

    [Parameter]
    public SwitchParameter TruncateRows { get; set; }

    /// <summary>The job's name (at most 45 characters); without it, ps-yyyyMMddHHmmss-xxxxxx.</summary>
    [Parameter]
    [ValidateLength(1, BatchSubmission.MaxNameLength)]
    public string? Name { get; set; }

    /// <summary>The job's description (at most 512 characters).</summary>
    [Parameter]
    [ValidateLength(0, BatchSubmission.MaxDescriptionLength)]
    public string? Description { get; set; }

    /// <summary>Runs a dry run instead of the job, and writes its cost estimate.</summary>
    [Parameter]
    public SwitchParameter EstimateCost { get; set; }

    /// <summary>Waits for the job and writes it once it has succeeded.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait or -EstimateCost: how long to wait in all, counted from the submission.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>With -Wait or -EstimateCost: seconds between two status checks (default 5).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600)]
    public double PollIntervalSec { get; set; } = 5;

    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
        if (Wait && EstimateCost)
        {
            Refuse(ErrorIds.ParameterConflict, "-Wait and -EstimateCost cannot be used together: -EstimateCost already waits for the estimate.", null);
        }

        _schema = OutputSchema is null ? null : SchemaJson(OutputSchema);
        if (SamplingParameters is not null)
        {
            try
            {
                _sampling = PowerShellJson.ToJson(SamplingParameters);
            }
            catch (FormatException ex)
            {
                Refuse(ErrorIds.SamplingParametersInvalid, $"-SamplingParameters cannot be written as JSON: {ex.Message}.", SamplingParameters);
            }
        }

        if (InputUrl is not null && (!InputUrl.IsAbsoluteUri || InputUrl.Scheme is not ("https" or "http")))
        {
            Refuse(ErrorIds.InputUrlInvalid, "-InputUrl must be an absolute https URL of a CSV or Parquet file (a pre-signed link).", null);
        }

        if (ParameterSetName != UrlSet)
        {
            InputMode mode = ParameterSetName switch
            {
                PropertySet => InputMode.Property,
                ScriptSet => InputMode.Script,
                ObjectSet => InputMode.Objects,
                _ => InputMode.Text,
            };
            _rows = new InputRows(mode, InputProperty, InputScript);
        }
    }

    protected override void ProcessRecord()
    {
        if (_rows is null || InputObject is null)
        {
            return;
        }

        foreach (PSObject? input in InputObject)
        {
            _seen++;
            try
            {
                _rows.Add(input, _seen);
            }
            catch (SutroApiException ex)
            {
                Dispose();
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ex.Category, input));
            }
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            Submit();
        }
        finally
        {
            Dispose();
        }
    }

    private void Submit()
    {
        InputSpool? spool = _rows?.Spool;
        if (spool is not null && spool.Count == 0)
        {
            Refuse(ErrorIds.NoInputs, "No inputs came: pipe strings or objects into Start-SutroJob (or give -InputObject), or name a file with -InputUrl.", null);
        }

        spool?.Complete();
        var submission = new BatchSubmission
        {
            Model = Model,
            Name = Name ?? BatchSubmission.GenerateName(DateTime.UtcNow),
            Inputs = spool,
            InputUrl = InputUrl,
            Column = Column,
            IdColumn = IdColumn,
            Priority = Priority,
            SystemPrompt = SystemPrompt,
            JsonSchema = _schema,
            SamplingParams = _sampling,
            CostEstimate = EstimateCost,
            RandomSeedPerInput = Bound(nameof(RandomSeedPerInput)) ? RandomSeedPerInput.IsPresent : null,
            TruncateRows = Bound(nameof(TruncateRows)) ? TruncateRows.IsPresent : null,
            Description = Description,
        };

        string rows = spool is null ? $"the rows of column '{Column}' of the file at {InputUrl!.Host}" : $"{spool.Count} {(spool.Count == 1 ? "row" : "rows")}";
        string target = $"{rows} for model '{Model}' at priority {Priority}, as job '{submission.Name}'";
        if (!ShouldProcess(target, EstimateCost ? "Estimate the cost of a batch job" : "Submit a batch job"))
        {
            return;
        }

        SutroEndpoint endpoint;
        try
        {
            endpoint = ResolveEndpoint(ApiUrl, ApiKey);
        }
        catch (SettingsException ex)
        {
            WriteFailure(ex, submission.Name);
            return;
        }

        var api = CreateApi(endpoint);
        if (spool is not null)
        {
            WarnAboveQuota(api, spool.Count);
        }

        string jobId;
        var progress = new ByteProgress(ProgressIds.StartSutroJobUpload, $"Submitting job '{submission.Name}'", QueueProgress);
        try
        {
            var upload = new SutroApi(new SutroApiClient(endpoint, QueueVerbose)
            {
                MaxRetryCount = 0,
                ResponseTimeout = Timeout.InfiniteTimeSpan,
                IdleReadTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
                Proxy = Proxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
            });
            jobId = RunAsync(token => upload.SubmitAsync(submission, TimeSpan.FromSeconds(ConnectionTimeoutSeconds), (sent, total) =>
            {
                if (total > UploadProgressAbove)
                {
                    progress.Report(sent, total);
                }
            }, token));
        }
        catch (Exception ex) when (ex is SutroApiException or OperationCanceledException)
        {
            WriteFailure(ex, submission.Name);
            return;
        }
        finally
        {
            progress.Complete();
        }

        WriteVerbose($"Submitted job {jobId} ({submission.Name}).");
        try
        {
            if (EstimateCost || Wait)
            {
                var deadline = new WaitDeadline(Bound(nameof(TimeoutSec)) ? TimeSpan.FromSeconds(TimeoutSec) : null);
                var waiter = new JobWaiter(api, TimeSpan.FromSeconds(PollIntervalSec), deadline,
                    new JobWaitProgress(ProgressIds.StartSutroJobWait, QueueProgress), QueueVerbose);
                Job done = RunAsync(token => waiter.WaitAsync(jobId, token));
                WriteObject(EstimateCost ? Estimate(done, spool?.Count) : done);
            }
            else
            {
                WriteObject(RunAsync(token => api.GetJobAsync(jobId, token)));
            }
        }
        catch (Exception ex) when (ex is SutroApiException or SutroJobException or OperationCanceledException)
        {
            WriteFailure(ex, jobId);
        }
    }

    private CostEstimate Estimate(Job job, long? rows)
    {
        if (job.CostEstimate is null)
        {
            throw new SutroApiException(ErrorIds.CostEstimateMissing, ErrorCategory.InvalidResult,
                $"The estimate job '{job.JobId}' succeeded but the API gave no cost_estimate. Look at it with Get-SutroJob {job.JobId} | Format-List.");
        }

        return new CostEstimate { EstimatedCost = job.CostEstimate, Rows = rows ?? job.Rows, Model = job.Model ?? Model, JobId = job.JobId };
    }

    /// <summary>Warns when the rows exceed the priority's row quota; says in verbose text when the quotas cannot be read.</summary>
    private void WarnAboveQuota(SutroApi api, long rows)
    {
        try
        {
            var quotas = RunAsync(api.GetQuotasAsync);
            if (quotas.FirstOrDefault(q => q.Priority == Priority) is { RowQuota: { } limit } && rows > limit)
            {
                WriteWarning($"The job has {rows} rows, more than the row quota of priority {Priority} ({limit} rows). " +
                    "The API may refuse it or run it only in part; split the inputs into smaller jobs if it does (see Get-SutroQuota).");
            }
        }
        catch (Exception ex) when (ex is SutroApiException or OperationCanceledException && !StopToken.IsCancellationRequested)
        {
            WriteVerbose($"The quotas could not be read, so the row count was not checked against them: {ex.Message}");
        }
    }

    private string SchemaJson(object value)
    {
        object raw = value is PSObject pso ? pso.BaseObject : value;
        string text;
        string source;
        if (raw is string s && s.TrimStart().StartsWith('{'))
        {
            (text, source) = (s, "The JSON text of -OutputSchema");
        }
        else if (raw is string or FileInfo)
        {
            string given = raw is FileInfo file ? file.FullName : (string)raw;
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given);
            if (!File.Exists(path))
            {
                Refuse(ErrorIds.OutputSchemaInvalid, $"-OutputSchema is neither JSON text (starting with '{{') nor the path of a JSON schema file: there is no file '{path}'.", value);
            }

            (text, source) = (File.ReadAllText(path), $"The schema file '{path}'");
        }
        else
        {
            if (!PowerShellJson.IsObject(raw))
            {
                Refuse(ErrorIds.OutputSchemaInvalid, $"-OutputSchema must be a hashtable or object, JSON text or the path of a .json file, not a {raw.GetType().Name}.", value);
            }

            try
            {
                return PowerShellJson.ToJson(value);
            }
            catch (FormatException ex)
            {
                Refuse(ErrorIds.OutputSchemaInvalid, $"-OutputSchema cannot be written as JSON: {ex.Message}.", value);
                throw;
            }
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Refuse(ErrorIds.OutputSchemaInvalid, $"{source} is JSON, but not an object: a JSON schema is an object such as {{\"type\": \"object\", \"properties\": {{...}}}}.", value);
            }

            return document.RootElement.GetRawText();
        }
        catch (JsonException ex)
        {
            Refuse(ErrorIds.OutputSchemaInvalid, $"{source} is not valid JSON: {ex.Message}", value);
            throw;
        }
    }

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    private void Refuse(string errorId, string message, object? target)
    {
        Dispose();
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));
    }

    /// <summary>Deletes the spooled inputs (also when the pipeline stops or fails).</summary>
    public new void Dispose()
    {
        _rows?.Spool.Dispose();
        base.Dispose();
    }
}
