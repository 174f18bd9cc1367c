using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using Sutro.Results;

namespace Sutro.Rows;

/// <summary>What the rows of one results file are written to: the cmdlet's streams.</summary>
/// <param name="Write">Writes one row to the pipeline.</param>
/// <param name="Warn">Writes a warning.</param>
/// <param name="Verbose">Writes verbose text.</param>
/// <param name="Progress">Writes a progress record, or null when progress is not shown.</param>
/// <param name="Counted">Told the file's row count before any row is written; may throw to write none.</param>
/// <param name="Inspect">
/// Given the opened decoder after <paramref name="Counted"/>, before any row is written: may read the rows in a pass
/// of its own (<see cref="IResultDecoder.ReadBatches"/> reads the file anew) and throw to write none.
/// </param>
internal sealed record RowSink(Action<object> Write, Action<string> Warn, Action<string> Verbose, Action<ProgressRecord>? Progress,
    Action<long>? Counted = null, Action<IResultDecoder, CancellationToken>? Inspect = null);

/// <summary>
/// The one path from a results file to the pipeline, for Get-SutroJobResult and Import-SutroJobResult alike:
/// decode (validating first), shape (<see cref="RowShaper"/>), write, with throttled progress of the rows decoded.
/// </summary>
internal static class ResultRowWriter
{
    /// <summary>Decodes <paramref name="path"/> and writes its rows; returns how many were written.</summary>
    /// <param name="format">The format expected; the content decides where it can.</param>
    /// <param name="outputColumnNames">Names the outputs column may carry (the job id).</param>
    /// <param name="jobId">The rows' JobId; when null, the job an outputs column named after it gives.</param>
    /// <param name="subject">How warnings and progress name the source (a job, a file).</param>
    /// <param name="progressId">The calling cmdlet's own progress id for decoding.</param>
    /// <param name="validated">The first pass run while the file downloaded, if any (see <see cref="ResultBodyValidator"/>).</param>
    /// <param name="namedJobId">The job a file's name gives, used when neither <paramref name="jobId"/> nor the content names one.</param>
    /// <param name="asked">When given, the inputs and logprobs columns are left out of the rows unless asked for.</param>
    public static long Write(
        string path, ResultFormat? format, IReadOnlyList<string> outputColumnNames, string? jobId, bool raw, bool expandOutput,
        string subject, int progressId, RowSink sink, CancellationToken cancellationToken, ResultBodyValidator? validated = null,
        string? namedJobId = null, ColumnsAsked? asked = null)
    {
        using IResultDecoder opened = ResultDecoders.Open(path, format, outputColumnNames, cancellationToken, validated);
        IResultDecoder decoder = asked is null ? opened : new ColumnsAskedDecoder(opened, asked);
        if (validated is { Used: true })
        {
            sink.Verbose($"{subject}: the body was validated while it downloaded.");
        }

        jobId ??= ResultDecoders.OutputColumnJobId(opened) ?? namedJobId;
        sink.Verbose($"{subject}: {decoder.RowCount} rows{(jobId is null || subject.Contains(jobId, StringComparison.Ordinal) ? string.Empty : $" of job {jobId}")}.");
        sink.Counted?.Invoke(decoder.RowCount);
        sink.Inspect?.Invoke(decoder, cancellationToken);
        var shaper = new RowShaper(jobId, decoder.Schema, raw, expandOutput, sink.Warn, subject);
        var progress = new RowProgress(progressId, $"Decoding the rows of {subject}", decoder.RowCount, sink.Progress);
        long index = 0;
        try
        {
            foreach (var batch in BatchPrefetcher.Prefetch(decoder, cancellationToken))
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    sink.Write(shaper.Shape(batch, i, index++));
                }

                progress.Report(index);
            }
        }
        finally
        {
            progress.Complete();
        }

        shaper.Finish();
        if (decoder is IReportsNumbers reports && reports.Numbers.Warning(subject) is { } numbers)
        {
            sink.Warn(numbers);
        }

        return index;
    }
}

/// <summary>
/// Progress of the rows decoded, of the total, with rows per second: first shown after a quarter second (a small
/// job shows none), then at most four times a second, so its cost does not show.
/// </summary>
internal sealed class RowProgress
{
    /// <summary>The pause before the bar first shows and between two updates, in Stopwatch ticks (tests shorten it).</summary>
    internal static long Interval { get; set; } = Stopwatch.Frequency / 4;

    private readonly int _id;
    private readonly string _activity;
    private readonly long _total;
    private readonly Action<ProgressRecord>? _write;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _last;
    private bool _shown;

    public RowProgress(int id, string activity, long total, Action<ProgressRecord>? write)
    {
        _id = id;
        _activity = activity;
        _total = total;
        _write = write;
        _last = _start;
    }

    public void Report(long rows)
    {
        if (_write is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (now - _last < Interval)
        {
            return;
        }

        _last = now;
        _shown = true;
        double seconds = (now - _start) / (double)Stopwatch.Frequency;
        string rate = seconds > 0 ? (rows / seconds).ToString("N0", CultureInfo.InvariantCulture) : "0";
        _write(new ProgressRecord(_id, _activity, string.Format(CultureInfo.InvariantCulture, "{0:N0} of {1:N0} rows ({2} rows/s)", rows, _total, rate))
        {
            PercentComplete = _total > 0 ? (int)Math.Min(100, rows * 100 / _total) : -1,
        });
    }

    public void Complete()
    {
        if (_shown)
        {
            _write!(new ProgressRecord(_id, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            _shown = false;
        }
    }
}

/// <summary>Builds a cmdlet's <see cref="RowSink"/>.</summary>
internal static class RowSinks
{
    /// <summary>
    /// The cmdlet's streams; progress only when $ProgressPreference (or -ProgressAction) would show it, so a
    /// silenced bar costs nothing.
    /// </summary>
    public static RowSink For(PSCmdlet cmdlet)
    {
        object? preference = cmdlet.MyInvocation.BoundParameters.TryGetValue("ProgressAction", out object? bound)
            ? bound
            : cmdlet.SessionState.PSVariable.GetValue("ProgressPreference");
        bool silent = LanguagePrimitives.TryConvertTo(preference, out ActionPreference action)
            && action is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
        return new RowSink(cmdlet.WriteObject, cmdlet.WriteWarning, cmdlet.WriteVerbose, silent ? null : cmdlet.WriteProgress);
    }
}
