using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace Sutro.Http;

/// <summary>Throttled byte progress for one download: at most four updates a second.</summary>
internal sealed class ByteProgress
{
    private static readonly long Interval = Stopwatch.Frequency / 4;

    private readonly int _activityId;
    private readonly string _activity;
    private readonly Action<ProgressRecord> _write;
    private long _last;
    private bool _shown;

    public ByteProgress(int activityId, string activity, Action<ProgressRecord> write)
    {
        _activityId = activityId;
        _activity = activity;
        _write = write;
    }

    public void Report(long bytes, long? total)
    {
        long now = Stopwatch.GetTimestamp();
        if (_shown && now - _last < Interval)
        {
            return;
        }

        _last = now;
        _shown = true;
        var record = new ProgressRecord(_activityId, _activity, total is { } t && t > 0
            ? $"{Megabytes(bytes)} of {Megabytes(t)}"
            : Megabytes(bytes))
        {
            PercentComplete = total is { } all && all > 0 ? (int)Math.Min(100, bytes * 100 / all) : -1,
        };
        _write(record);
    }

    public void Complete()
    {
        if (_shown)
        {
            _write(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            _shown = false;
        }
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
