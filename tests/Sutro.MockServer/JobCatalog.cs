using System;
using System.Collections.Generic;
using System.Linq;

namespace Sutro.MockServer;

/// <summary>Outcome of asking for a job's results.</summary>
public enum ResultsGate { NotFound, NotComplete, NotReady, Ready }

/// <summary>
/// The jobs and their mutable state: position in the status history (each status read returns the current
/// status, then moves one step forward; the last one stays), cancellation, and "results not ready" counters.
/// </summary>
public sealed class JobCatalog
{
    private sealed class JobState(JobDefinition def)
    {
        public JobDefinition Def { get; } = def;
        public List<string> History { get; set; } = def.Statuses.ToList();
        public int Position { get; set; }
        public int NotReadyLeft { get; set; } = def.ResultsNotReadyTimes;
        public string Current => History[Position];
    }

    private readonly object _lock = new();
    private readonly IReadOnlyList<JobDefinition> _builtIns;
    private readonly Dictionary<string, JobState> _jobs = new(StringComparer.Ordinal);

    public JobCatalog(IReadOnlyList<JobDefinition> builtIns)
    {
        _builtIns = builtIns;
        Reset();
    }

    /// <summary>Back to the built-in catalogue, every history at its start.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _jobs.Clear();
            foreach (JobDefinition def in _builtIns) _jobs[def.JobId] = new JobState(def);
        }
    }

    /// <summary>Adds or replaces a job (its state starts afresh).</summary>
    public void Upsert(JobDefinition def)
    {
        lock (_lock) _jobs[def.JobId] = new JobState(def);
    }

    public JobDefinition? Find(string jobId)
    {
        lock (_lock) return _jobs.TryGetValue(jobId, out JobState? s) ? s.Def : null;
    }

    /// <summary>The current status without moving (list-jobs, results checks).</summary>
    public (JobDefinition Def, string Status)? Peek(string jobId)
    {
        lock (_lock) return _jobs.TryGetValue(jobId, out JobState? s) ? (s.Def, s.Current) : null;
    }

    /// <summary>A status read (job-status, jobs/{id}): returns the current status, then moves one step forward.</summary>
    public (JobDefinition Def, string Status)? ReadStatus(string jobId)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out JobState? s)) return null;
            string status = s.Current;
            if (s.Position < s.History.Count - 1) s.Position++;
            return (s.Def, status);
        }
    }

    public IReadOnlyList<(JobDefinition Def, string Status)> List()
    {
        lock (_lock) return _jobs.Values.Select(s => (s.Def, s.Current)).ToList();
    }

    /// <summary>Status becomes CANCELLING now; the next status read reports it and moves on to CANCELLED.</summary>
    public bool Cancel(string jobId)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out JobState? s)) return false;
            s.History = new List<string> { "CANCELLING", "CANCELLED" };
            s.Position = 0;
            return true;
        }
    }

    /// <summary>May the results be served now? Consumes one "not ready" answer when it says NotReady.</summary>
    public ResultsGate CheckResults(string jobId, out JobDefinition? def, out string status)
    {
        lock (_lock)
        {
            def = null;
            status = "";
            if (!_jobs.TryGetValue(jobId, out JobState? s)) return ResultsGate.NotFound;
            def = s.Def;
            status = s.Current;
            if (!string.Equals(status, "SUCCEEDED", StringComparison.OrdinalIgnoreCase)) return ResultsGate.NotComplete;
            if (s.NotReadyLeft > 0)
            {
                s.NotReadyLeft--;
                return ResultsGate.NotReady;
            }
            return ResultsGate.Ready;
        }
    }
}
