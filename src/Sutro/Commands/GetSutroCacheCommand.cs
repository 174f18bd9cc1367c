using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Sutro.Cache;

namespace Sutro.Commands;

/// <summary>
/// Get-SutroCache: the jobs whose results the local results cache (~/.sutro/job-results, shared with the Python
/// SDK) holds, one <see cref="ResultsCacheEntry"/> each, or with -Summary their count and size.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SutroCache", DefaultParameterSetName = "List")]
[OutputType(typeof(ResultsCacheEntry), ParameterSetName = new[] { "List" })]
[OutputType(typeof(ResultsCacheSummary), ParameterSetName = new[] { "Summary" })]
public sealed class GetSutroCacheCommand : SutroCmdlet
{
    private readonly List<WildcardPattern> _patterns = new();
    private bool _filtered;

    /// <summary>Only these jobs (wildcards allowed); all of them when left out.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedJobIdCompleter))]
    public string[]? JobId { get; set; }

    /// <summary>One object with the cache folder, the number of entries and their total size, instead of the entries.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Summary")]
    public SwitchParameter Summary { get; set; }

    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void ProcessRecord()
    {
        if (JobId is null)
        {
            return;
        }

        _filtered = true;
        _patterns.AddRange(JobId.Select(id => new WildcardPattern(id, WildcardOptions.CultureInvariant)));
    }

    protected override void EndProcessing()
    {
        var cache = ResultsCache.ForUser();
        // A pipeline that brought no job (a filter that matched none) lists none, as Clear-SutroCache removes none.
        var entries = _filtered || !MyInvocation.ExpectingInput
            ? CacheEntries.List(cache, _filtered ? _patterns : null)
            : Array.Empty<ResultsCacheEntry>();
        long bytes = entries.Sum(e => e.Bytes);
        WriteVerbose($"The results cache {cache.Folder} holds {entries.Count} matching jobs' results, {bytes} bytes.");
        if (Summary)
        {
            WriteObject(new ResultsCacheSummary(cache.Folder, entries.Count, bytes));
            return;
        }

        foreach (var entry in entries)
        {
            WriteObject(entry);
        }
    }
}
