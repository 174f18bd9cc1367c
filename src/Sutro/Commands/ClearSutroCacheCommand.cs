using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Sutro.Cache;

namespace Sutro.Commands;

/// <summary>
/// Clear-SutroCache: removes cached results from ~/.sutro/job-results, of the jobs named (wildcards allowed) or,
/// without -JobId and without pipeline input, of every job (with the hidden files of writes that did not finish);
/// a pipeline that brings no job removes nothing. Writes one
/// <see cref="ResultsCacheCleared"/> with the bytes freed. Files of other kinds in the folder are left alone.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "SutroCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ResultsCacheCleared))]
public sealed class ClearSutroCacheCommand : SutroCmdlet
{
    private readonly List<string> _ids = new();
    private bool _named;

    /// <summary>The jobs whose cached results are removed (wildcards allowed); every job's when left out.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedJobIdCompleter))]
    public string[]? JobId { get; set; }

    protected override void ProcessRecord()
    {
        if (JobId is not null)
        {
            _named = true;
            _ids.AddRange(JobId);
        }
    }

    protected override void EndProcessing()
    {
        var cache = ResultsCache.ForUser();
        var targets = new List<(FileInfo File, string? JobId)>();
        if (!_named && MyInvocation.ExpectingInput)
        {
            // A pipeline that brought no job (a filter that matched none) removes none: only a bare
            // Clear-SutroCache clears everything.
            WriteVerbose("No job came through the pipeline, so nothing is removed from the results cache.");
        }
        else if (_named)
        {
            var patterns = _ids.Select(id => new WildcardPattern(id, WildcardOptions.CultureInvariant)).ToList();
            targets.AddRange(cache.Files().Select(f => (f, ResultsCache.JobIdOf(f.Name)))
                .Where(t => patterns.Any(p => p.IsMatch(t.Item2!))).Select(t => (t.f, t.Item2)));
            foreach (string id in _ids.Where(id => !WildcardPattern.ContainsWildcardCharacters(id)))
            {
                if (!targets.Any(t => t.JobId == id))
                {
                    WriteVerbose($"Job {id}: the results cache holds nothing for it.");
                }
            }
        }
        else
        {
            targets.AddRange(cache.Files().Select(f => (f, ResultsCache.JobIdOf(f.Name))));
            targets.AddRange(Leftovers(cache).Select(f => (f, (string?)null)));
        }

        var removed = new List<string>();
        int count = 0;
        long freed = 0;
        bool declinedAll = targets.Count > 0;
        foreach (var (file, jobId) in targets)
        {
            string what = jobId is null ? $"the unfinished cache write {file.Name}" : $"the cached results of job {jobId}";
            if (!ShouldProcess($"{file.FullName} ({file.Length} bytes)", $"Remove {what}"))
            {
                continue;
            }

            declinedAll = false;
            long bytes = file.Length;
            try
            {
                file.Delete();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"Could not remove {file.FullName}: {ex.Message} Close what holds it open, then run Clear-SutroCache again.", ex),
                    ErrorIds.CacheRemoveFailed, ErrorCategory.WriteError, file.FullName));
                continue;
            }

            count++;
            freed += bytes;
            if (jobId is not null)
            {
                removed.Add(jobId);
            }
        }

        if (declinedAll && MyInvocation.BoundParameters.ContainsKey("WhatIf"))
        {
            return;
        }

        WriteVerbose($"Removed {count} files, {freed} bytes, from the results cache {cache.Folder}.");
        WriteObject(new ResultsCacheCleared(cache.Folder, removed.ToArray(), count, freed));
    }

    private static IEnumerable<FileInfo> Leftovers(ResultsCache cache)
    {
        var folder = new DirectoryInfo(cache.Folder);
        return folder.Exists ? folder.EnumerateFiles(".*").Where(f => ResultsCache.IsLeftover(f.Name)) : Enumerable.Empty<FileInfo>();
    }
}
