using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;

namespace Sutro.Jobs;

/// <summary>The job endpoints of the Sutro API (everything but results), answered as typed objects.</summary>
internal sealed class JobsApi
{
    private readonly SutroApiClient _client;

    public JobsApi(SutroApiClient client)
    {
        _client = client;
    }

    public SutroApiClient Client => _client;

    /// <summary><c>GET jobs/{id}</c>.</summary>
    public Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        GetAsync($"jobs/{Escape(jobId)}", jobId, JobParser.ParseJobAnswer, cancellationToken);

    /// <summary><c>GET list-jobs</c>: every job of the key, in the API's order.</summary>
    public Task<List<Job>> ListJobsAsync(CancellationToken cancellationToken) =>
        GetAsync("list-jobs", null, JobParser.ParseJobList, cancellationToken);

    /// <summary>Jobs sorted newest first by creation time (jobs without one last), otherwise in the order given.</summary>
    public static List<Job> NewestFirst(IEnumerable<Job> jobs) =>
        jobs.OrderByDescending(job => job.Created.HasValue).ThenByDescending(job => job.Created ?? DateTime.MinValue).ToList();

    /// <summary><c>GET job-status/{id}</c>.</summary>
    public Task<JobStatusAnswer> GetStatusAsync(string jobId, CancellationToken cancellationToken) =>
        GetAsync($"job-status/{Escape(jobId)}", jobId, root => JobParser.ParseStatusAnswer(root, jobId), cancellationToken);

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
            return await GetAsync("try-authentication", null, JobParser.ParseAuthenticated, cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.ErrorId == "AuthenticationFailed")
        {
            return false;
        }
    }

    /// <summary>
    /// Asks for a job's cancellation: <c>GET job-cancel/{id}</c>, or POST when the API answers 405 (as
    /// older deployments documented). The body of the answer is not documented and is not read.
    /// </summary>
    public async Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        string relative = $"job-cancel/{Escape(jobId)}";
        try
        {
            using var response = await _client.SendAsync(HttpMethod.Get, relative, jobId, cancellationToken).ConfigureAwait(false);
        }
        catch (SutroApiException ex) when (ex.StatusCode == 405)
        {
            using var response = await _client.SendAsync(HttpMethod.Post, relative, jobId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads <c>stream-job-progress/{id}</c> (newline-delimited JSON) until it ends, reporting the rows
    /// done from each <c>"update_type": "progress"</c> line. Lines it cannot read are skipped.
    /// </summary>
    public async Task StreamProgressAsync(string jobId, Action<long> rowsDone, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, $"stream-job-progress/{Escape(jobId)}", jobId, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (ProgressRows(line) is { } rows)
            {
                rowsDone(rows);
            }
        }
    }

    /// <summary>The rows done that one progress line reports, if it is a progress update.</summary>
    internal static long? ProgressRows(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("update_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "progress"
                && root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Number && result.TryGetInt64(out long rows))
            {
                return rows;
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private async Task<T> GetAsync<T>(string relative, string? jobId, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        using var document = await _client.GetJsonAsync(relative, jobId, cancellationToken).ConfigureAwait(false);
        try
        {
            return parse(document.RootElement);
        }
        catch (FormatException ex)
        {
            throw new SutroApiException("InvalidApiResponse", ErrorCategory.InvalidResult,
                $"The Sutro API answered {relative} with JSON the module cannot read: {ex.Message}. Check that the API URL points at a Sutro deployment.");
        }
    }

    private static string Escape(string jobId) => Uri.EscapeDataString(jobId);
}
