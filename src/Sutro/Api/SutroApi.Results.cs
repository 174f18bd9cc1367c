using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Export;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Results;

namespace Sutro.Api;

/// <summary>What results are asked for: the job, the format and the optional columns.</summary>
internal sealed record ResultsRequest(string JobId, ResultFormat Format, bool IncludeInputs, bool IncludeLogprobs)
{
    /// <summary>True when the job is known to have succeeded (after a wait): "not ready" is then retried at once.</summary>
    public bool KnownSucceeded { get; init; }

    /// <summary>The pause between two tries of results that are not ready yet.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>May the results be read through <c>POST job-results</c> (as JSON) where the GET route is missing?</summary>
    public bool AllowPost { get; init; } = true;

    /// <summary>The query flags that ask for the inputs and the logprobs, as the results endpoints name them.</summary>
    public string Flags =>
        $"include_inputs={Bool(IncludeInputs)}&include_cumulative_logprobs={Bool(IncludeLogprobs)}";

    private static string Bool(bool value) => value ? "true" : "false";
}

/// <summary>Where results are written: a file, and for a Parquet artifact optionally what makes it resumable across runs.</summary>
internal sealed record ResultsTarget(string Path)
{
    /// <summary>Keeps a Parquet artifact's bytes beside an Export target between runs.</summary>
    public PartialDownload? Partial { get; init; }

    /// <summary>
    /// The first pass over a JSON or CSV body, run while <c>GET jobs/{id}/results</c> downloads it; abandoned when
    /// the results come another way (POST job-results), and by any retry or resume.
    /// </summary>
    public ResultBodyValidator? Validator { get; init; }
}

/// <summary>The answer of <c>results-url</c>: the artifact, if usable, and when the answer arrived (UTC).</summary>
internal sealed record ResultsLinkAnswer(ResultsArtifact? Artifact, DateTimeOffset ReceivedAt);

/// <summary>The file that was written: its format (JSON when read through POST job-results) and size.</summary>
internal sealed record ResultsFile(ResultFormat Format, long Bytes);

internal sealed partial class SutroApi
{
    /// <summary>How long a pre-signed link is asked to live: long enough for a big download.</summary>
    public const int LinkLifetimeSeconds = 6 * 3600;

    /// <summary>How long "not ready" answers are retried after SUCCEEDED, as the Python SDK does (tests shorten it).</summary>
    internal static TimeSpan ReadinessWindow { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Downloads a job's results into <paramref name="target"/>. Parquet comes from the pre-signed
    /// <c>results-url</c> artifact where the deployment has that route, else from <c>GET jobs/{id}/results</c>;
    /// where that route is missing (404/405/501 for a job that has succeeded) the results are read through
    /// <c>POST job-results</c>, as JSON. Right after a job reports SUCCEEDED its results may be missing for a
    /// while: a "not ready" answer (404/409) is retried for up to <see cref="ReadinessWindow"/> as long as the
    /// job's status says SUCCEEDED; for a job not finished it is JobNotComplete at once.
    /// </summary>
    public async Task<ResultsFile> DownloadResultsAsync(ResultsRequest request, ResultsTarget target,
        Action<long, long?> progress, CancellationToken cancellationToken)
    {
        bool succeeded = request.KnownSucceeded;
        bool viaPost = false;
        long firstTry = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                if (viaPost)
                {
                    target.Validator?.Abandon();
                    return new ResultsFile(ResultFormat.Json, await PostResultsAsync(request, target.Path, cancellationToken)
                        .ConfigureAwait(false));
                }

                if (request.Format == ResultFormat.Parquet && await GetResultsLinkAsync(request, cancellationToken)
                    .ConfigureAwait(false) is { } artifact)
                {
                    return new ResultsFile(ResultFormat.Parquet,
                        await DownloadArtifactAsync(request, artifact, target, progress, cancellationToken).ConfigureAwait(false));
                }

                return new ResultsFile(request.Format, await DownloadRouteAsync(request, target, progress, cancellationToken)
                    .ConfigureAwait(false));
            }
            catch (SutroApiException ex) when (!viaPost && request.AllowPost && ex.StatusCode is 405 or 501)
            {
                Verbose($"Job {request.JobId}: this deployment has no GET results route ({ex.StatusCode}); reading the " +
                    "results through POST job-results, as JSON.");
                viaPost = true;
            }
            catch (SutroApiException ex) when (ex.StatusCode is 404 or 409 && Stopwatch.GetElapsedTime(firstTry) < ReadinessWindow)
            {
                Truncate(target.Path);
                if (!succeeded)
                {
                    var answer = await GetStatusAsync(request.JobId, cancellationToken).ConfigureAwait(false);
                    if (JobOutcome.EndedWithoutResults(answer.Status))
                    {
                        throw await EndedWithoutResultsAsync(request.JobId, answer, cancellationToken).ConfigureAwait(false);
                    }

                    if (answer.Status != JobStatus.Succeeded)
                    {
                        throw new SutroApiException(ErrorIds.JobNotComplete, ErrorCategory.ResourceUnavailable,
                            $"Job '{request.JobId}' has no results yet: its status is {answer.Status}. Wait for it with " +
                            "Wait-SutroJob, or use Get-SutroJobResult -Wait.", ex.StatusCode, ex);
                    }

                    succeeded = true;
                }

                if (ex.StatusCode == 404 && !viaPost && request.AllowPost)
                {
                    Verbose($"Job {request.JobId} has succeeded but GET jobs/{{id}}/results answered 404; reading the " +
                        "results through POST job-results, as JSON.");
                    viaPost = true;
                    continue;
                }

                Verbose($"Job {request.JobId} has succeeded but its results are not ready yet ({ex.StatusCode}); trying again.");
                await Task.Delay(request.RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// JobFailed (with the failure reason) or JobCancelled for a job that will never have results, named as
    /// <c>jobs/{id}</c> gives it; from the status answer alone when the job itself cannot be read.
    /// </summary>
    internal async Task<SutroJobException> EndedWithoutResultsAsync(string jobId, JobStatusAnswer answer,
        CancellationToken cancellationToken)
    {
        Job job;
        try
        {
            job = await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex)
        {
            Verbose($"Job {jobId}: could not read the job for its name and failure reason ({ex.ErrorId}).");
            job = new Job { JobId = jobId, Status = answer.Status };
        }

        Verbose($"Job {jobId} is {answer.Status}: it has no results, so nothing is retried.");
        return JobOutcome.NoResults(job, answer.Status, answer, Client.Redact);
    }

    /// <summary>
    /// <c>GET jobs/{id}/results-url</c>: the pre-signed link to the Parquet artifact, or null where the deployment
    /// has no such route (404/405/501) or its answer holds no usable link.
    /// </summary>
    public async Task<ResultsArtifact?> GetResultsLinkAsync(ResultsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await RequestResultsLinkAsync(request, LinkLifetimeSeconds, cancellationToken).ConfigureAwait(false);
            if (answer.Artifact is null)
            {
                Verbose($"Job {request.JobId}: the results-url answer has no usable link and size; downloading from " +
                    "the results endpoint instead.");
            }

            return answer.Artifact;
        }
        catch (SutroApiException ex) when (ex.StatusCode is 404 or 405 or 501)
        {
            Verbose($"Job {request.JobId}: no results-url here ({ex.StatusCode}); downloading from the results endpoint instead.");
            return null;
        }
    }

    /// <summary>
    /// <c>GET jobs/{id}/results-url?format=parquet&amp;include_inputs=..&amp;include_cumulative_logprobs=..&amp;expires_in_seconds=N</c>
    /// as it is answered: the artifact (null when the answer holds no usable link and size) and the moment the
    /// answer arrived, from which the link's lifetime counts. Every error answer is thrown as it came.
    /// </summary>
    public async Task<ResultsLinkAnswer> RequestResultsLinkAsync(ResultsRequest request, int expiresInSeconds,
        CancellationToken cancellationToken)
    {
        string relative = $"jobs/{Uri.EscapeDataString(request.JobId)}/results-url?format=parquet&{request.Flags}" +
            FormattableString.Invariant($"&expires_in_seconds={expiresInSeconds}");
        using var answer = await Client.GetJsonAsync(relative, request.JobId, cancellationToken).ConfigureAwait(false);
        return new ResultsLinkAnswer(ResultsArtifact.TryParse(answer.RootElement), DateTimeOffset.UtcNow);
    }

    /// <summary><c>GET jobs/{id}/results</c> in the format asked, resumed within the run where the server allows.</summary>
    private Task<long> DownloadRouteAsync(ResultsRequest request, ResultsTarget target, Action<long, long?> progress,
        CancellationToken cancellationToken)
    {
        string wire = request.Format.ToWire();
        var link = Client.UriFor($"jobs/{Uri.EscapeDataString(request.JobId)}/results?result_format={wire}&format={wire}&{request.Flags}");
        Truncate(target.Path);
        var download = new DownloadRequest(link, presigned: false, request.JobId) { Validator = target.Validator };
        return Client.DownloadAsync(download, target.Path, progress, cancellationToken);
    }

    /// <summary>
    /// The artifact of a pre-signed link, without the key; resumed (Range/If-Range) within the run, and across runs
    /// when the target keeps a partial download. A link the storage refuses as expired (403) is renewed once.
    /// </summary>
    private async Task<long> DownloadArtifactAsync(ResultsRequest request, ResultsArtifact artifact, ResultsTarget target,
        Action<long, long?> progress, CancellationToken cancellationToken)
    {
        var identity = new PartialDownload.Identity(request.JobId, request.IncludeInputs, request.IncludeLogprobs);
        string? etag = null;
        if (target.Partial is { } partial)
        {
            long have = partial.ResumableBytes(identity, artifact.SizeBytes, out etag);
            if (have > 0)
            {
                using var file = new FileStream(partial.DataPath, FileMode.Open, FileAccess.Write, FileShare.None);
                file.SetLength(have);
            }
        }
        else
        {
            Truncate(target.Path);
        }

        var download = new DownloadRequest(artifact.Link, presigned: true, request.JobId)
        {
            AnnouncedSize = artifact.SizeBytes,
            ETag = etag,
            FreshLink = async token => (await GetResultsLinkAsync(request, token).ConfigureAwait(false))?.Link
                ?? throw new SutroApiException(ErrorIds.ResultsLinkFailed, ErrorCategory.PermissionDenied,
                    $"The results storage refused the link of job '{request.JobId}' and no fresh one was given. " +
                    "Run the command again."),
            Started = served =>
            {
                if (target.Partial is not { } kept)
                {
                    return;
                }

                if (served is null)
                {
                    Verbose($"Job {request.JobId}: the storage gives no strong ETag, so a broken download cannot be " +
                        "resumed by a later run.");
                    kept.ForgetState();
                }
                else
                {
                    kept.SaveState(identity, served, artifact.SizeBytes);
                }
            },
        };
        try
        {
            return await Client.DownloadAsync(download, target.Path, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (target.Partial is { } kept)
        {
            bool resumable = download.ETag is not null
                && (ex is OperationCanceledException || ex is SutroApiException { IsNetworkFailure: true });
            if (!resumable)
            {
                kept.Discard();
                throw;
            }

            if (ex is SutroApiException api)
            {
                throw new SutroApiException(api.ErrorId, api.Category,
                    api.Message + " The bytes so far are kept: run the same command again to resume the download.",
                    api.StatusCode, api) { IsNetworkFailure = true };
            }

            throw;
        }
    }

    /// <summary>
    /// <c>POST job-results</c> with <c>{job_id, include_inputs, include_cumulative_logprobs}</c>, its JSON answer saved
    /// to <paramref name="path"/>; an answer whose <c>results</c> is a bare list of outputs becomes
    /// <c>{"outputs": [...]}</c>. A read, so retried like a GET.
    /// </summary>
    private async Task<long> PostResultsAsync(ResultsRequest request, string path, CancellationToken cancellationToken)
    {
        var body = new PostResultsBody(request.JobId, request.IncludeInputs, request.IncludeLogprobs);
        long bytes = await Client.WithRetriesAsync(repeatable: true, async () =>
        {
            using var response = await Client.SendOnceAsync(HttpMethod.Post, Client.UriFor("job-results"), request.JobId,
                r => SutroApiClient.AddJson(r, body), cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            return await Client.CopyBodyAsync(response, file, 0, response.Content.Headers.ContentLength, (_, _) => { },
                cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return JobResultsAnswer.UnwrapBareList(path) ?? bytes;
    }

    private static void Truncate(string path)
    {
        if (File.Exists(path))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            file.SetLength(0);
        }
    }

    private sealed record PostResultsBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("job_id")] string JobId,
        [property: System.Text.Json.Serialization.JsonPropertyName("include_inputs")] bool IncludeInputs,
        [property: System.Text.Json.Serialization.JsonPropertyName("include_cumulative_logprobs")] bool IncludeLogprobs);
}
