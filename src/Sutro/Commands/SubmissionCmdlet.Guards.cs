using System;
using System.Globalization;
using System.Management.Automation;
using Sutro.Api;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// The checks a submission can make before it is sent: -IfExists looks for a job of the same name (a bounded scan
/// of list-jobs), -MaxEstimatedCost runs a dry run on the same spooled inputs and submits only within the limit.
/// </summary>
public abstract partial class SubmissionCmdlet
{
    private const string SubmitAnyway = "Submit";
    private const string ReuseExisting = "Reuse";
    private const string ErrorIfExists = "Error";

    private WaitDeadline? _deadline;

    /// <summary>What to do when a job of this -Name exists already: Submit (the default), Reuse or Error.</summary>
    [Parameter]
    [ValidateSet(SubmitAnyway, ReuseExisting, ErrorIfExists, IgnoreCase = true)]
    public string IfExists { get; set; } = SubmitAnyway;

    /// <summary>With -IfExists Reuse or Error: how far back to look for the job (default 7 days).</summary>
    [Parameter]
    [ValidatePositiveTimeSpan]
    public TimeSpan ExistingSince { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Runs a dry run first and submits only if its estimate (USD) is at most this much.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000_000)]
    public decimal MaxEstimatedCost { get; set; }

    /// <summary>The existing job the call went on with (-IfExists Reuse) instead of submitting, as listed.</summary>
    private protected Job? Reused { get; private set; }

    /// <summary>The dry run's estimate when -MaxEstimatedCost was given and the job was submitted.</summary>
    private protected CostEstimate? Estimate { get; private set; }

    /// <summary>How long the waits may take in all (-TimeoutSec), counted from the first submission.</summary>
    private protected abstract TimeSpan? WaitTimeout { get; }

    /// <summary>Seconds between two status checks (-PollIntervalSec).</summary>
    private protected abstract double PollIntervalSeconds { get; }

    /// <summary>The cmdlet's own progress id for waiting.</summary>
    private protected abstract int WaitProgressId { get; }

    private bool LooksForExisting => !string.Equals(IfExists, SubmitAnyway, StringComparison.OrdinalIgnoreCase);

    private bool LimitsCost => Bound(nameof(MaxEstimatedCost));

    /// <summary>The budget of every wait of this call, from the first submission (the dry run's, if any).</summary>
    private protected WaitDeadline Deadline() => _deadline ??= new WaitDeadline(WaitTimeout);

    /// <summary>Refuses combinations the guards cannot serve (called from BeginProcessing).</summary>
    private protected void CheckGuards(bool estimateOnly)
    {
        if (LooksForExisting && Name is null)
        {
            Refuse(ErrorIds.ParameterConflict, $"-IfExists {IfExists} looks for an earlier job by its name, so it " +
                "needs -Name: give the job a name that stays the same from one run to the next, such as " +
                "-Name 'nightly-2026-12-06'.", null);
        }

        if (Bound(nameof(ExistingSince)) && !LooksForExisting)
        {
            Refuse(ErrorIds.ParameterConflict, "-ExistingSince says how far back -IfExists Reuse or Error looks; " +
                "give it with one of them, or leave it out.", null);
        }

        if (estimateOnly && (LooksForExisting || LimitsCost))
        {
            Refuse(ErrorIds.ParameterConflict, "-EstimateCost runs a dry run only, so -IfExists and -MaxEstimatedCost " +
                "do not apply: use -EstimateCost alone, or -MaxEstimatedCost to estimate and then submit within a " +
                "limit.", null);
        }
    }

    /// <summary>What ShouldProcess shows of the guards, after the job's description.</summary>
    private string GuardsText()
    {
        string text = LooksForExisting
            ? $", unless a job of that name created since {SutroApi.Ago(ExistingSince):u} exists (-IfExists {IfExists})"
            : string.Empty;
        return LimitsCost ? text + $", if a dry run estimates it at most {Usd(MaxEstimatedCost)} USD" : text;
    }

    /// <summary>
    /// -IfExists Reuse or Error: looks for a job of this name created within -ExistingSince. Reuse returns it
    /// (with a warning); Error throws JobAlreadyExists; a failed lookup throws (nothing is submitted).
    /// </summary>
    private Job? FindExisting(SutroApi api, string name)
    {
        if (!LooksForExisting)
        {
            return null;
        }

        DateTime since = SutroApi.Ago(ExistingSince);
        Job? found;
        try
        {
            var (job, scan) = RunAsync(token => api.FindRepeatableJobAsync(name, since, token));
            WriteVerbose($"Looked for a job named '{name}' created since {since:u}: read {scan.Read} jobs in " +
                $"{scan.Pages} {(scan.Pages == 1 ? "page" : "pages")} of list-jobs; " +
                (job is null ? "none found." : $"found {job.JobId} ({job.Status})."));
            found = job;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SutroException ex)
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(new SutroApiException(ex.ErrorId, ex.Category,
                $"Could not look for an earlier job named '{name}' (-IfExists {IfExists}), so nothing was submitted: " +
                $"{ex.Message}", (ex as SutroApiException)?.StatusCode, ex), ex.ErrorId, ex.Category, name));
            return null;
        }

        if (found is null)
        {
            return null;
        }

        string created = found.Created is { } c ? $"created {c.ToUniversalTime():u}" : "no creation time";
        if (string.Equals(IfExists, ErrorIfExists, StringComparison.OrdinalIgnoreCase))
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                $"A job named '{name}' exists already: {found.JobId} ({found.Status}, {created}), so nothing was " +
                $"submitted (-IfExists Error). Go on with it: Wait-SutroJob {found.JobId} | Get-SutroJobResult " +
                "(or run the command again with -IfExists Reuse). To run the batch again, give another -Name."),
                ErrorIds.JobAlreadyExists, ErrorCategory.ResourceExists, found.JobId));
        }

        WriteWarning($"A job named '{name}' exists already: {found.JobId} ({found.Status}, {created}). Going on " +
            "with it instead of submitting (-IfExists Reuse); to run the batch again, give another -Name.");
        Reused = found;
        return found;
    }

    /// <summary>
    /// -MaxEstimatedCost: submits the same request as a dry run (cost_estimate true; the spooled inputs are sent
    /// again), waits for its estimate, and throws CostLimitExceeded above the limit. Any failure ends the call.
    /// </summary>
    private void CheckEstimate(SutroApi upload, SutroApi api, BatchSubmission submission)
    {
        if (!LimitsCost)
        {
            return;
        }

        CostEstimate estimate;
        try
        {
            string dryRun = Send(upload, submission with { CostEstimate = true },
                $"Estimating the cost of job '{submission.Name}'");
            var waiter = new JobWaiter(api, TimeSpan.FromSeconds(PollIntervalSeconds), Deadline(),
                new JobWaitProgress(WaitProgressId, QueueProgress), QueueVerbose);
            estimate = EstimateOf(RunAsync(token => waiter.WaitAsync(dryRun, token)), Spool?.Count);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SutroException known)
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(new SutroApiException(known.ErrorId, known.Category,
                $"The cost of job '{submission.Name}' could not be estimated (-MaxEstimatedCost), so nothing was " +
                $"submitted: {known.Message}", (known as SutroApiException)?.StatusCode, known),
                known.ErrorId, known.Category, submission.Name));
            return;
        }

        decimal cost = estimate.EstimatedCost!.Value;
        if (cost > MaxEstimatedCost)
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                $"The dry run {estimate.JobId} estimates job '{submission.Name}' at {Usd(cost)} USD, more than " +
                $"-MaxEstimatedCost {Usd(MaxEstimatedCost)} USD, so nothing was submitted. Raise -MaxEstimatedCost, " +
                "or send fewer or shorter inputs."),
                ErrorIds.CostLimitExceeded, ErrorCategory.LimitsExceeded, estimate.JobId));
        }

        WriteVerbose($"The dry run {estimate.JobId} estimates job '{submission.Name}' at {Usd(cost)} USD, " +
            $"within -MaxEstimatedCost {Usd(MaxEstimatedCost)} USD: submitting it.");
        Estimate = estimate;
    }

    /// <summary>The estimate of a dry run that has succeeded; CostEstimateMissing when the service gave none.</summary>
    private protected CostEstimate EstimateOf(Job job, long? rows)
    {
        if (job.CostEstimate is null)
        {
            throw new SutroApiException(ErrorIds.CostEstimateMissing, ErrorCategory.InvalidResult,
                $"The estimate job '{job.JobId}' succeeded but the API gave no cost_estimate. Look at it with " +
                $"Get-SutroJob {job.JobId} | Format-List.");
        }

        return new CostEstimate
        {
            EstimatedCost = job.CostEstimate, Rows = rows ?? job.Rows, Model = job.Model ?? Model, JobId = job.JobId,
        };
    }

    private static string Usd(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}
