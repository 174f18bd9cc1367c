using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using Sutro.Api;
using Sutro.Http;
using Sutro.Settings;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// What Start-SutroJob and Invoke-SutroBatch share: the submission parameters, their checks, the spooling of
/// the pipeline's inputs, and the one submission (<c>POST batch-inference</c>), sent once and never retried.
/// </summary>
public abstract partial class SubmissionCmdlet : PipelineInputCmdlet, IDisposable
{
    private const long UploadProgressAbove = 4 * 1024 * 1024;

    private string? _schema;
    private string? _sampling;

    /// <summary>The model (or Function) that runs the job.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = string.Empty;

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

    /// <summary>The spooled inputs; null when the inputs are not the pipeline's (a file at a URL).</summary>
    private protected InputSpool? Spool => Rows?.Spool;

    /// <summary>False when this call takes no pipeline inputs (Start-SutroJob -InputUrl).</summary>
    private protected virtual bool TakesPipelineInputs => true;

    /// <summary>Checks the schema and sampling parameters, and readies the spool.</summary>
    protected override void BeginProcessing()
    {
        FormatViews.EnsureLoaded(this);
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

        if (TakesPipelineInputs)
        {
            Rows = new InputRows(Mode, InputProperty, InputScript);
        }
    }

    private protected override void Release() => Dispose();

    /// <summary>The end of the no-inputs error: where inputs can come from besides the pipeline.</summary>
    private protected virtual string OtherInputs => string.Empty;

    /// <summary>
    /// Submits the job once (after ShouldProcess) and returns its id with the API to follow it, or null when
    /// -WhatIf or a refusal meant nothing was sent. A failure is written as an error (never retried).
    /// </summary>
    private protected (string JobId, SutroApi Api, string Name)? SubmitOnce(
        Uri? inputUrl = null, string? column = null, string? idColumn = null, bool costEstimate = false)
    {
        InputSpool? spool = Spool;
        if (spool is not null && spool.Count == 0)
        {
            Refuse(ErrorIds.NoInputs, $"No inputs came: pipe strings or objects into {MyInvocation.MyCommand.Name} (or give -InputObject){OtherInputs}.", null);
        }

        spool?.Complete();
        var submission = new BatchSubmission
        {
            Model = Model,
            Name = Name ?? BatchSubmission.GenerateName(DateTime.UtcNow),
            Inputs = spool,
            InputUrl = inputUrl,
            Column = column,
            IdColumn = idColumn,
            Priority = Priority,
            SystemPrompt = SystemPrompt,
            JsonSchema = _schema,
            SamplingParams = _sampling,
            CostEstimate = costEstimate,
            RandomSeedPerInput = Bound(nameof(RandomSeedPerInput)) ? RandomSeedPerInput.IsPresent : null,
            // Always sent, as the Python SDK sends it: true for a model, false for a Function's object rows
            // (its batch_run_function sends truncate_rows=False); -TruncateRows[:$false] decides otherwise.
            TruncateRows = Bound(nameof(TruncateRows)) ? TruncateRows.IsPresent : Mode != InputMode.Objects,
            Description = Description,
        };

        string rows = spool is null ? $"the rows of column '{column}' of the file at {inputUrl!.Host}" : $"{spool.Count} {(spool.Count == 1 ? "row" : "rows")}";
        string target = $"{rows} for model '{Model}' at priority {Priority}, as job '{submission.Name}'{GuardsText()}";
        if (!ShouldProcess(target, costEstimate ? "Estimate the cost of a batch job" : "Submit a batch job"))
        {
            return null;
        }

        SutroEndpoint endpoint;
        try
        {
            endpoint = ResolveEndpoint(ApiUrl, ApiKey);
        }
        catch (SettingsException ex)
        {
            WriteFailure(ex, submission.Name);
            return null;
        }

        var api = CreateApi(endpoint);
        if (FindExisting(api, submission.Name) is { } existing)
        {
            return (existing.JobId, api, submission.Name);
        }

        if (spool is not null)
        {
            WarnAboveQuota(api, spool.Count);
        }

        var upload = new SutroApi(new SutroApiClient(endpoint, QueueVerbose)
        {
            MaxRetryCount = 0,
            ResponseTimeout = Timeout.InfiniteTimeSpan,
            IdleReadTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
            Proxy = Proxy,
            ProxyCredential = ProxyCredential?.GetNetworkCredential(),
        });
        CheckEstimate(upload, api, submission);
        try
        {
            string jobId = Send(upload, submission, $"Submitting job '{submission.Name}'");
            WriteVerbose($"Submitted job {jobId} ({submission.Name}).");
            return (jobId, api, submission.Name);
        }
        catch (Exception ex) when (ex is SutroApiException or OperationCanceledException)
        {
            WriteFailure(ex, submission.Name);
            return null;
        }
    }

    /// <summary>Sends one submission (never retried) with upload progress, and returns the new job's id.</summary>
    private string Send(SutroApi upload, BatchSubmission submission, string activity)
    {
        var progress = new ByteProgress(UploadProgressId, activity, QueueProgress);
        try
        {
            var answerTimeout = TimeSpan.FromSeconds(ConnectionTimeoutSeconds);
            return RunAsync(token => upload.SubmitAsync(submission, answerTimeout, (sent, total) =>
            {
                if (total > UploadProgressAbove)
                {
                    progress.Report(sent, total);
                }
            }, token));
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>The cmdlet's own progress id for the upload.</summary>
    private protected abstract int UploadProgressId { get; }

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

    private protected bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    private protected void Refuse(string errorId, string message, object? target)
    {
        Dispose();
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));
    }

    /// <summary>Deletes the spooled inputs (also when the pipeline stops or fails).</summary>
    public new void Dispose()
    {
        Rows?.Spool?.Dispose();
        base.Dispose();
    }
}
