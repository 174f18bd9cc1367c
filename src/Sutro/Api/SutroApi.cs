using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;
using Sutro.Jobs;

namespace Sutro.Api;

/// <summary>
/// Every endpoint of the Sutro API, answered as typed objects: cmdlets call these methods and never build a
/// URL. The transport beneath (<see cref="Client"/>) sends, retries, follows redirects and keeps the key to
/// its origin. Results live in <c>SutroApi.Results.cs</c>.
/// </summary>
internal sealed partial class SutroApi
{
    /// <summary>The largest page list-jobs serves.</summary>
    public const int MaxPageSize = 100;

    private readonly Action<string> _unknownStatus;

    public SutroApi(SutroApiClient client, Action<string>? unknownStatus = null)
    {
        Client = client;
        _unknownStatus = unknownStatus ?? (_ => { });
    }

    /// <summary>The transport: send, retries, redirects, key scoping, body copy, pre-signed GET.</summary>
    public SutroApiClient Client { get; }

    private void Verbose(string message) => Client.Verbose(message);

    /// <summary><c>GET jobs/{id}</c>.</summary>
    public async Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        Checked(await GetAsync($"jobs/{Escape(jobId)}", jobId, JobParser.ParseJobAnswer, cancellationToken)
            .ConfigureAwait(false));

    /// <summary>
    /// <c>GET list-jobs?limit=N</c>, page by page: newest first, as the API gives them. The returned lister asks
    /// for the next page only when called again, so jobs reach the pipeline as pages arrive. With a
    /// <paramref name="window"/> it returns only the jobs created within it, and stops after the first page that
    /// reaches back before the window's start (see <see cref="JobWindow"/>).
    /// </summary>
    public JobLister ListJobs(int pageSize, JobWindow window = default) =>
        new(this, Math.Clamp(pageSize, 1, MaxPageSize), window);

    /// <summary>One page of <c>list-jobs</c>: its jobs and the cursor of the next page (null on the last).</summary>
    internal async Task<(List<Job> Jobs, string? NextCursor)> ListJobsPageAsync(
        int limit, string? cursor, CancellationToken cancellationToken)
    {
        string relative = FormattableString.Invariant($"list-jobs?limit={limit}")
            + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
        var page = await GetAsync(relative, null, JobParser.ParseJobPage, cancellationToken).ConfigureAwait(false);
        foreach (Job job in page.Jobs)
        {
            Checked(job);
        }

        return page;
    }

    /// <summary><c>GET job-status/{id}</c>.</summary>
    public async Task<JobStatusAnswer> GetStatusAsync(string jobId, CancellationToken cancellationToken)
    {
        var answer = await GetAsync($"job-status/{Escape(jobId)}", jobId,
            root => JobParser.ParseStatusAnswer(root, jobId), cancellationToken).ConfigureAwait(false);
        CheckStatusWord(answer.Status);
        return answer;
    }

    /// <summary><c>GET get-quotas</c>.</summary>
    public Task<List<Quota>> GetQuotasAsync(CancellationToken cancellationToken) =>
        GetAsync("get-quotas", null, JobParser.ParseQuotas, cancellationToken);

    /// <summary>
    /// <c>GET try-authentication</c>: true when the key is accepted, false when the API refuses it
    /// (401/403 or <c>"authenticated": false</c>). Any other failure is thrown.
    /// </summary>
    public async Task<bool> TryAuthenticateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync("try-authentication", null, JobParser.ParseAuthenticated, cancellationToken,
                probeOnNotFound: false)
                .ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode is 401 or 403)
        {
            return false;
        }
        catch (SutroApiException ex) when (IsNotFound(ex))
        {
            // Every deployment serves try-authentication: a 404 here (and for auth/check) is a URL that is no Sutro API.
            throw await ExplainNotFoundAsync("try-authentication", ex, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>GET auth/check</c>: checks the key against the deployment only (not its Batch service). True or false as
    /// <see cref="TryAuthenticateAsync"/>; null when the deployment has no such endpoint (404/405/501).
    /// </summary>
    public async Task<bool?> CheckKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync("auth/check", null, JobParser.ParseAuthenticated, cancellationToken,
                probeOnNotFound: false)
                .ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode is 401 or 403)
        {
            return false;
        }
        catch (SutroApiException ex) when (ex.StatusCode is 404 or 405 or 501)
        {
            return null;
        }
    }

    /// <summary>
    /// Asks for a job's cancellation: <c>GET job-cancel/{id}</c>, or POST when the API answers 405 (as older
    /// deployments documented). An answer that says <c>"cancelled": false</c> is a refusal.
    /// </summary>
    public async Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        string relative = $"job-cancel/{Escape(jobId)}";
        JsonDocument answer;
        try
        {
            answer = await Client.GetJsonAsync(relative, jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode == 405)
        {
            answer = await Client.SendJsonAsync(HttpMethod.Post, relative, null, jobId, repeatable: false,
                cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (IsNotFound(ex))
        {
            throw await ExplainNotFoundAsync(relative, ex, cancellationToken).ConfigureAwait(false);
        }

        using (answer)
        {
            var root = answer.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("cancelled", out var cancelled)
                && cancelled.ValueKind == JsonValueKind.False)
            {
                string said = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? $" The server said: {m.GetString()}" : string.Empty;
                throw new SutroJobException(ErrorIds.JobNotCancellable, ErrorCategory.InvalidOperation,
                    Client.Redact($"The Sutro API did not cancel job '{jobId}' (\"cancelled\": false).{said}"),
                    jobId, null);
            }
        }
    }

    /// <summary>
    /// Reads <c>stream-job-progress/{id}</c> (newline-delimited JSON) until it ends, reporting each
    /// <c>progress</c> (rows done) and <c>tokens</c> update. Lines it cannot read are skipped.
    /// </summary>
    public async Task StreamProgressAsync(string jobId, Action<ProgressUpdate> update, CancellationToken cancellationToken)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, $"stream-job-progress/{Escape(jobId)}", jobId,
            cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length <= 64 * 1024 && ProgressUpdate.Parse(line) is { } parsed)
            {
                update(parsed);
            }
        }
    }

    private async Task<T> GetAsync<T>(string relative, string? jobId, Func<JsonElement, T> parse, CancellationToken cancellationToken,
        bool probeOnNotFound = true)
    {
        JsonDocument document;
        try
        {
            document = await Client.GetJsonAsync(relative, jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (probeOnNotFound && IsNotFound(ex))
        {
            throw await ExplainNotFoundAsync(relative, ex, cancellationToken).ConfigureAwait(false);
        }

        using var owned = document;
        try
        {
            return parse(document.RootElement);
        }
        catch (FormatException ex)
        {
            throw new SutroApiException(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
                $"The Sutro API answered {relative.Split('?')[0]} with JSON the module cannot read: {ex.Message}. " +
                "Check that the API URL points at a Sutro deployment.");
        }
    }

    private Job Checked(Job job)
    {
        CheckStatusWord(job.Status);
        return job;
    }

    private void CheckStatusWord(string status)
    {
        if (!JobStatus.IsKnown(status))
        {
            _unknownStatus(status);
        }
    }

    private static string Escape(string jobId) => Uri.EscapeDataString(jobId);
}

/// <summary>
/// Pages through <c>list-jobs</c>: each call of <see cref="NextAsync"/> asks for one page and returns its jobs
/// within the window, or null after the last page (no <c>next_cursor</c>; a server that ignores <c>limit</c>
/// answers with one page) or after the first page that reaches back before the window's start.
/// </summary>
internal sealed class JobLister
{
    private readonly SutroApi _api;
    private readonly HashSet<string> _cursors = new(StringComparer.Ordinal);
    private string? _cursor;
    private bool _done;

    public JobLister(SutroApi api, int pageSize, JobWindow window = default)
    {
        _api = api;
        PageSize = pageSize;
        Window = window;
    }

    public int PageSize { get; }

    public JobWindow Window { get; }

    /// <summary>How many pages were asked for so far.</summary>
    public int Pages { get; private set; }

    /// <summary>How many jobs the pages held, in the window or not.</summary>
    public long Read { get; private set; }

    public async Task<List<Job>?> NextAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return null;
        }

        var (jobs, next) = await _api.ListJobsPageAsync(PageSize, _cursor, cancellationToken).ConfigureAwait(false);
        Pages++;
        Read += jobs.Count;
        if (string.IsNullOrEmpty(next) || Window.EndsAt(jobs))
        {
            _done = true;
        }
        else if (!_cursors.Add(next))
        {
            throw new SutroApiException(ErrorIds.InvalidApiResponse, ErrorCategory.InvalidResult,
                "The Sutro API answered list-jobs with a next_cursor it gave before, so the list would never end. " +
                "Report it to the deployment's operators.");
        }

        _cursor = next;
        return Window.IsBounded ? jobs.FindAll(Window.Contains) : jobs;
    }
}

/// <summary>One line of the progress stream: rows done, or token counts (any of them may be missing).</summary>
internal sealed record ProgressUpdate(long? RowsDone, long? InputTokens, long? OutputTokens, double? TokensPerSecond)
{
    public static ProgressUpdate? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("update_type", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("result", out var result))
            {
                return null;
            }

            switch (type.GetString())
            {
                case "progress" when result.ValueKind == JsonValueKind.Number && result.TryGetInt64(out long rows):
                    return new ProgressUpdate(rows, null, null, null);
                case "tokens" when result.ValueKind == JsonValueKind.Object:
                    var update = new ProgressUpdate(null, Whole(result, "input_tokens"), Whole(result, "output_tokens"),
                        Real(result, "total_tokens_processed_per_second"));
                    return update.InputTokens is null && update.OutputTokens is null && update.TokensPerSecond is null
                        ? null : update;
                default:
                    return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? Whole(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0
            ? n : null;

    private static double? Real(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)
            && double.IsFinite(d) && d >= 0 ? d : null;
}
