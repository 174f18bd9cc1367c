using System;
using System.Globalization;
using System.Management.Automation;

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

    public void Report(string status, TimeSpan elapsed, long? rowsDone, long? rows)
    {
        _shown = true;
        _write(new ProgressRecord(_activityId, _activity, Describe(status, elapsed, rowsDone, rows))
        {
            PercentComplete = rowsDone is { } done && rows is { } total && total > 0 ? (int)Math.Clamp(done * 100 / total, 0, 100) : -1,
        });
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
