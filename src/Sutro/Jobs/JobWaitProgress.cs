using System;
using System.Globalization;
using System.Management.Automation;
using Sutro.Api;

namespace Sutro.Jobs;

/// <summary>The progress bar of a wait: the job's status, the time waited and, when known, the rows done.</summary>
internal sealed class JobWaitProgress
{
    private readonly int _activityId;
    private readonly Action<ProgressRecord> _write;
    private string _activity = "Waiting for a Sutro job";
    private bool _shown;

    public JobWaitProgress(int activityId, Action<ProgressRecord> write)
    {
        _activityId = activityId;
        _write = write;
    }

    public void Start(Job job)
    {
        _activity = string.IsNullOrEmpty(job.Name) ? $"Waiting for Sutro job {job.JobId}" : $"Waiting for Sutro job {job.JobId} ({job.Name})";
    }

    public void Report(string status, TimeSpan elapsed, ProgressUpdate seen, long? rows)
    {
        _shown = true;
        long? rowsDone = seen.RowsDone;
        _write(new ProgressRecord(_activityId, _activity, Describe(status, elapsed, rowsDone, rows) + Tokens(seen))
        {
            PercentComplete = rowsDone is { } done && rows is { } total && total > 0 ? (int)Math.Clamp(done * 100 / total, 0, 100) : -1,
        });
    }

    /// <summary>The token counts of the progress stream, as far as it gave them: ", 1,200 input / 3,400 output tokens, 1,234 tokens/s".</summary>
    internal static string Tokens(ProgressUpdate seen)
    {
        string text = string.Empty;
        if (seen.InputTokens is { } input && seen.OutputTokens is { } output)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {input:N0} input / {output:N0} output tokens");
        }
        else if (seen.InputTokens is { } onlyInput)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {onlyInput:N0} input tokens");
        }
        else if (seen.OutputTokens is { } onlyOutput)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {onlyOutput:N0} output tokens");
        }

        if (seen.TokensPerSecond is { } rate)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {rate:N0} tokens/s");
        }

        return text;
    }

    public void Complete()
    {
        if (_shown)
        {
            _write(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            _shown = false;
        }
    }

    internal static string Describe(string status, TimeSpan elapsed, long? rowsDone, long? rows)
    {
        string text = $"{status}, waited {Duration(elapsed)}";
        if (rowsDone is { } done)
        {
            text += rows is { } total && total > 0
                ? string.Create(CultureInfo.InvariantCulture, $", {done:N0} of {total:N0} rows done")
                : string.Create(CultureInfo.InvariantCulture, $", {done:N0} rows done");
        }
        else if (rows is { } total)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {total:N0} rows");
        }

        return text;
    }

    internal static string Duration(TimeSpan span)
    {
        if (span.TotalHours >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} min");
        }

        return span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Seconds} s");
    }
}

/// <summary>
/// What the progress stream has said so far, keeping the highest value seen of each count (lines may carry any
/// subset, and arrive from another thread).
/// </summary>
internal sealed class ProgressSeen
{
    private readonly object _lock = new();
    private ProgressUpdate _max = new(null, null, null, null);

    public void Add(ProgressUpdate update)
    {
        lock (_lock)
        {
            _max = new ProgressUpdate(Max(_max.RowsDone, update.RowsDone), Max(_max.InputTokens, update.InputTokens),
                Max(_max.OutputTokens, update.OutputTokens), Max(_max.TokensPerSecond, update.TokensPerSecond));
        }
    }

    public ProgressUpdate Snapshot()
    {
        lock (_lock)
        {
            return _max;
        }
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
