using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Api;
using Sutro.Http;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Tab completion of -JobId: the first page of <c>list-jobs</c> (the newest jobs) for the settings in effect (including
/// -ApiUrl/-ApiKey typed on the same line), newest first, matched on the id or the name, with
/// "name (status)" as the tooltip. The list is kept for 30 seconds; completion never fails, it
/// offers nothing instead.
/// </summary>
public sealed class JobIdCompleter : IArgumentCompleter
{
    /// <summary>How many of the newest jobs are offered: one small page.</summary>
    internal const int PageSize = 25;

    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly object Sync = new();
    private static string? s_cacheKey;
    private static DateTime s_fetchedUtc;
    private static IReadOnlyList<Job> s_jobs = Array.Empty<Job>();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<Job> jobs;
        try
        {
            jobs = Jobs(Text(fakeBoundParameters, "ApiUrl"), Text(fakeBoundParameters, "ApiKey"));
        }
        catch (Exception)
        {
            // Completion never fails: whatever went wrong (no settings, API down, a slow answer),
            // it offers nothing and the user types the id.
            return Array.Empty<CompletionResult>();
        }

        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(word) + "*", WildcardOptions.IgnoreCase);
        return jobs
            .Where(job => pattern.IsMatch(job.JobId) || (job.Name is { } name && pattern.IsMatch(name)))
            .Select(job => new CompletionResult(Quote(job.JobId), job.JobId, CompletionResultType.ParameterValue,
                $"{(string.IsNullOrEmpty(job.Name) ? "(no name)" : job.Name)} ({job.Status})"))
            .ToList();
    }

    /// <summary>Forgets the cached list (Connect-Sutro and Disconnect-Sutro call it).</summary>
    internal static void Clear()
    {
        lock (Sync)
        {
            s_cacheKey = null;
            s_jobs = Array.Empty<Job>();
        }
    }

    private static IReadOnlyList<Job> Jobs(string? apiUrl, string? apiKey)
    {
        SutroEndpoint endpoint = SettingsResolver.Resolve(apiUrl, apiKey);
        string cacheKey = endpoint.BaseUri.AbsoluteUri + "|" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint.Key)));
        lock (Sync)
        {
            if (s_cacheKey == cacheKey && DateTime.UtcNow - s_fetchedUtc < CacheLifetime)
            {
                return s_jobs;
            }
        }

        var api = new SutroApi(new SutroApiClient(endpoint, _ => { }) { MaxRetryCount = 0 });
        using var timeout = new CancellationTokenSource(RequestTimeout);
        IReadOnlyList<Job> newestFirst = Task.Run(() => api.ListJobs(PageSize).NextAsync(timeout.Token)).GetAwaiter().GetResult()
            ?? new List<Job>();
        lock (Sync)
        {
            s_cacheKey = cacheKey;
            s_fetchedUtc = DateTime.UtcNow;
            s_jobs = newestFirst;
        }

        return newestFirst;
    }

    private static string? Text(IDictionary bound, string name)
    {
        object? value = bound.Contains(name) ? bound[name] : null;
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        return value switch
        {
            string text when text.Length > 0 => text,
            SecureString secure => new System.Net.NetworkCredential(string.Empty, secure).Password,
            _ => null,
        };
    }

    private static string Quote(string id) =>
        id.Any(c => char.IsWhiteSpace(c) || "'\"`$&@(){}[];,|<>#".Contains(c)) ? "'" + id.Replace("'", "''") + "'" : id;
}
