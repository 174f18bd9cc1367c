using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Api;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Results;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroJobResultLink: asks <c>GET jobs/{id}/results-url</c> for a pre-signed link to each finished job's
/// Parquet results and writes a <see cref="JobResultLink"/>. The link works without the API key until it expires,
/// so it is never written to verbose text and the default views leave it out; <c>$link.Url</c> gives it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SutroJobResultLink")]
[OutputType(typeof(JobResultLink))]
public sealed class GetSutroJobResultLinkCommand : SutroApiCmdlet
{
    /// <summary>The longest lifetime the API grants a link: 7 days.</summary>
    internal const int MaxExpiresInSeconds = 604800;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();

    /// <summary>The linked file also holds each row's input.</summary>
    [Parameter]
    public SwitchParameter IncludeInput { get; set; }

    /// <summary>The linked file also holds each row's cumulative logprob.</summary>
    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    /// <summary>How long the link works, in seconds (1 to 604800, 7 days); 3600 by default.</summary>
    [Parameter]
    [ValidateRange(1, MaxExpiresInSeconds)]
    public int ExpiresInSeconds { get; set; } = 3600;

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void ProcessRecord()
    {
        foreach (string id in JobId)
        {
            try
            {
                var api = CreateApi();
                WriteObject(RunAsync(token => GetLinkAsync(api, id, token)));
            }
            catch (Exception ex) when (IsPerItemFailure(ex))
            {
                WriteFailure(ex, id);
            }
        }
    }

    private async Task<JobResultLink> GetLinkAsync(SutroApi api, string id, CancellationToken token)
    {
        var request = new ResultsRequest(id, ResultFormat.Parquet, IncludeInput, IncludeCumulativeLogprob);
        ResultsLinkAnswer answer;
        try
        {
            answer = await api.RequestResultsLinkAsync(request, ExpiresInSeconds, token).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode is 405 or 501)
        {
            throw Unsupported(id, ex);
        }
        catch (SutroApiException ex) when (ex.StatusCode == 404)
        {
            // The route may be missing, or the job unknown: the job's status tells (JobNotFound when it is unknown).
            await api.GetStatusAsync(id, token).ConfigureAwait(false);
            throw Unsupported(id, ex);
        }
        catch (SutroApiException ex) when (ex.StatusCode == 409)
        {
            throw await NotCompleteAsync(api, id, ex, token).ConfigureAwait(false);
        }

        if (answer.Artifact is not { } artifact)
        {
            throw new SutroApiException(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
                $"The results-url answer for job '{id}' holds no usable link (urls.get, an http(s) URL) and size " +
                "(artifact.size_bytes). Save the results with Export-SutroJobResult instead.");
        }

        long lifetime = artifact.ExpiresInSeconds ?? ExpiresInSeconds;
        DateTimeOffset expiresAt = answer.ReceivedAt.AddSeconds(lifetime);
        QueueVerbose($"Job {id}: a results link to {artifact.FileName ?? "the Parquet file"} ({artifact.SizeBytes} bytes), " +
            $"valid until {expiresAt:u}.");
        return new JobResultLink(id, artifact.LinkText, artifact.FileName, artifact.SizeBytes, expiresAt);
    }

    private static SutroApiException Unsupported(string id, SutroApiException ex) =>
        new(ErrorIds.ResultsLinkUnsupported, ErrorCategory.NotImplemented,
            $"This Sutro deployment gives no results links (GET jobs/{{id}}/results-url answered {ex.StatusCode} for " +
            $"job '{id}'). Save the results with Export-SutroJobResult -JobId {id} -Path <folder> instead, or read " +
            "them with Get-SutroJobResult." + Quote(ex), ex.StatusCode, ex) { Reference = ex.Reference };

    /// <summary>What to quote to support, as the end of a message (empty when the answer gave nothing).</summary>
    private static string Quote(SutroApiException ex) => ex.Reference is { } reference ? " " + reference.Sentence : string.Empty;

    /// <summary>
    /// JobNotComplete for a 409, saying the job's status where it can be read; JobFailed or JobCancelled for a job
    /// that will never have results.
    /// </summary>
    private static async Task<SutroException> NotCompleteAsync(SutroApi api, string id, SutroApiException ex,
        CancellationToken token)
    {
        string? status = null;
        try
        {
            var answer = await api.GetStatusAsync(id, token).ConfigureAwait(false);
            if (JobOutcome.EndedWithoutResults(answer.Status))
            {
                return await api.EndedWithoutResultsAsync(id, answer, token).ConfigureAwait(false);
            }

            status = answer.Status;
        }
        catch (SutroApiException)
        {
            // The 409 says enough by itself.
        }

        string why = status is null || status == JobStatus.Succeeded
            ? $"Job '{id}' has no results to link yet (the API answered 409)."
            : $"Job '{id}' has no results to link yet: its status is {status}.";
        return new SutroApiException(ErrorIds.JobNotComplete, ErrorCategory.ResourceUnavailable,
            why + $" Wait for it with Wait-SutroJob, then ask again: Wait-SutroJob -JobId {id} | Get-SutroJobResultLink." + Quote(ex),
            ex.StatusCode, ex) { Reference = ex.Reference };
    }
}
