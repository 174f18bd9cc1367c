using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using nietras.SeparatedValues;

namespace Sutro.Results;

/// <summary>
/// Decodes the CSV results: the server's ZIP holding one CSV, or a bare CSV file. RFC 4180 parsing
/// is Sep's; columns are found by name, never by position. A first pass validates every row (field
/// count, quoting, UTF-8, logprobs, the ZIP's CRC) so a bad body fails before any row is produced.
/// </summary>
public sealed class CsvResultDecoder : IResultDecoder
{
    private const int BatchSize = ResultBatch.DefaultRows;

    /// <summary>The longest header row accepted: results have a few short column names.</summary>
    internal const int MaxHeaderChars = 64 * 1024;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly bool _zipped;
    private readonly string _outputColumn;
    private readonly string? _inputColumn;
    private readonly string? _logprobColumn;
    private readonly ExtraColumn[] _extras;

    private CsvResultDecoder(string path, bool zipped, string outputColumn, string? inputColumn, string? logprobColumn, ExtraColumn[] extras, long rowCount)
    {
        _path = path;
        _zipped = zipped;
        _outputColumn = outputColumn;
        _inputColumn = inputColumn;
        _logprobColumn = logprobColumn;
        _extras = extras;
        RowCount = rowCount;
        Schema = new ResultSchema(inputColumn is not null, logprobColumn is not null, extras.Select(e => e.Name).ToArray());
    }

    public ResultSchema Schema { get; }

    public long RowCount { get; }

    /// <summary>The outputs column's name when it is not <c>outputs</c>: the job id it was named after.</summary>
    public string? OutputColumnJobId => _outputColumn == "outputs" ? null : _outputColumn;

    /// <summary>
    /// Validates the file and returns a decoder. The outputs column is the first of
    /// <paramref name="outputColumnNames"/> present in the header (then <c>outputs</c>), and, when the
    /// caller knows no job id, the ZIP entry's base name.
    /// </summary>
    public static CsvResultDecoder Open(string path, bool zipped, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        string? entryName = null;
        using (var source = OpenCsv(path, zipped, out entryName))
        {
            return Validate(path, zipped, source, entryName, outputColumnNames, cancellationToken);
        }
    }

    private static CsvResultDecoder Validate(string path, bool zipped, TextReader source, string? entryName, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { HasHeader = true, Unescape = false }).From(source);
            var header = reader.Header;
            if (header.IsEmpty)
            {
                throw new ResultDecodeException("The CSV results are empty: there is not even a header row.");
            }

            if (header.ColNames.Sum(n => (long)n.Length) > MaxHeaderChars)
            {
                throw new ResultDecodeException(
                    $"The CSV header row is longer than {MaxHeaderChars / 1024} KB ({header.ColNames.Count} columns); results have a handful of short column names, so this is not a results file.");
            }

            string[] names = header.ColNames.Select(Unquote).ToArray();
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                throw new ResultDecodeException($"The CSV header names a column twice: {string.Join(", ", names)}.");
            }

            var candidates = new List<string>(outputColumnNames) { "outputs" };
            if (entryName is not null)
            {
                candidates.Add(Path.GetFileNameWithoutExtension(entryName));
            }

            string? outputColumn = candidates.FirstOrDefault(c => names.Contains(c, StringComparer.Ordinal));
            if (outputColumn is null)
            {
                throw new ResultDecodeException(
                    $"The CSV has no outputs column: expected one named {string.Join(" or ", candidates.Distinct().Select(c => $"'{c}'"))}, found {string.Join(", ", names.Select(n => $"'{n}'"))}. Pass -JobId to name the job whose id the outputs column carries.");
            }

            string? inputColumn = names.Contains("inputs") ? "inputs" : null;
            string? logprobColumn = names.Contains("cumulative_logprobs") ? "cumulative_logprobs" : null;
            var extras = names
                .Where(n => n != outputColumn && n != inputColumn && n != logprobColumn)
                .Select(n => new ExtraColumn(n))
                .ToArray();

            int[] rawIndexes = Enumerable.Range(0, names.Length).ToArray();
            int logprobIndex = logprobColumn is null ? -1 : Array.IndexOf(names, logprobColumn);
            int[] extraIndexes = extras.Select(e => Array.IndexOf(names, e.Name)).ToArray();
            long rows = 0;
            foreach (var row in reader)
            {
                if ((rows & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                foreach (int i in rawIndexes)
                {
                    CheckQuoting(row[i].Span, rows, names[i]);
                }

                if (logprobIndex >= 0)
                {
                    ParseLogprob(UnquoteSpan(row[logprobIndex].Span), rows);
                }

                for (int e = 0; e < extras.Length; e++)
                {
                    extras[e].Observe(UnquoteSpan(row[extraIndexes[e]].Span));
                }

                rows++;
            }

            return new CsvResultDecoder(path, zipped, outputColumn, inputColumn, logprobColumn, extras, rows);
        }
        catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
        {
            throw Wrap(ex);
        }
    }

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var source = OpenCsv(_path, _zipped, out _);
        using var reader = Sep.New(',').Reader(o => o with { HasHeader = true, Unescape = true }).From(source);
        string[] names = reader.Header.ColNames.Select(Unquote).ToArray();
        int outputIndex = Array.IndexOf(names, _outputColumn);
        int inputIndex = _inputColumn is null ? -1 : Array.IndexOf(names, _inputColumn);
        int logprobIndex = _logprobColumn is null ? -1 : Array.IndexOf(names, _logprobColumn);
        int[] extraIndexes = _extras.Select(e => Array.IndexOf(names, e.Name)).ToArray();

        var batch = new ResultBatch(BatchSize, _extras.Length);
        long rowIndex = 0;
        using var rows = reader.GetEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = rows.MoveNext();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Wrap(ex);
            }

            if (!more)
            {
                break;
            }

            var row = rows.Current;
            int i = batch.Count;
            batch.Outputs[i] = row[outputIndex].ToString();
            if (inputIndex >= 0)
            {
                batch.Inputs[i] = row[inputIndex].ToString();
            }

            if (logprobIndex >= 0)
            {
                batch.Logprobs[i] = ParseLogprob(row[logprobIndex].Span, rowIndex);
            }

            for (int e = 0; e < extraIndexes.Length; e++)
            {
                batch.Extras[e][i] = _extras[e].Convert(row[extraIndexes[e]].Span);
            }

            batch.Count++;
            rowIndex++;
            if (batch.Count == BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return batch;
                batch = new ResultBatch(BatchSize, _extras.Length);
            }
        }

        if (rowIndex != RowCount)
        {
            throw new ResultDecodeException($"The CSV changed while it was read: {rowIndex} rows now, {RowCount} when validated.");
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    public void Dispose()
    {
    }

    private static TextReader OpenCsv(string path, bool zipped, out string? entryName)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (!zipped)
        {
            entryName = null;
            return new StreamReader(file, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: false);
        }

        var entry = ZippedCsvEntry.Open(file);
        entryName = entry.Name;
        // The entry is inflated (and its CRC checked) on another thread, ahead of the parser.
        return new EntryOwningReader(entry, new StreamReader(new ReadAheadStream(entry.Content), StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: false));
    }

    private static ResultDecodeException Wrap(Exception ex) => ex switch
    {
        DecoderFallbackException => new ResultDecodeException("The CSV holds bytes that are not valid UTF-8.", ex),
        InvalidDataException when ex.Message.Contains("CRC", StringComparison.OrdinalIgnoreCase) =>
            new ResultDecodeException($"The CSV results ZIP is damaged (checksum mismatch): {ex.Message}", ex),
        _ => new ResultDecodeException($"The CSV results could not be read: {ex.Message}", ex),
    };

    private static void CheckQuoting(ReadOnlySpan<char> raw, long row, string column)
    {
        if (raw.IsEmpty || raw[0] != '"')
        {
            return;
        }

        bool closed = raw.Length >= 2 && raw[^1] == '"';
        if (closed)
        {
            var inner = raw[1..^1];
            int at = 0;
            while (at < inner.Length)
            {
                int quote = inner[at..].IndexOf('"');
                if (quote < 0)
                {
                    return;
                }

                at += quote;
                if (at + 1 >= inner.Length || inner[at + 1] != '"')
                {
                    closed = false;
                    break;
                }

                at += 2;
            }

            if (closed)
            {
                return;
            }
        }

        throw new ResultDecodeException($"The CSV has a badly quoted field in column '{column}' of row {row} (an unterminated quote or a stray quote).");
    }

    private static double? ParseLogprob(ReadOnlySpan<char> text, long row)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }

        string shown = text.Length > 40 ? text[..40].ToString() + "..." : text.ToString();
        throw new ResultDecodeException($"The CSV cumulative_logprobs of row {row} is not a number: '{shown}'.");
    }

    private static string Unquote(string name) => UnquoteSpan(name.AsSpan()).ToString();

    private static ReadOnlySpan<char> UnquoteSpan(ReadOnlySpan<char> raw) =>
        raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"' ? raw[1..^1].ToString().Replace("\"\"", "\"").AsSpan() : raw;

    /// <summary>
    /// An extra column. CSV carries no types, so a column whose every value reads back exactly as a
    /// whole number (or a double) is given that type, to match the JSON and Parquet bodies; anything
    /// else stays text (so an id such as 007 is never turned into 7).
    /// </summary>
    private sealed class ExtraColumn
    {
        public ExtraColumn(string name) => Name = name;

        public string Name { get; }

        private bool _allInteger = true;
        private bool _allDouble = true;

        public void Observe(ReadOnlySpan<char> value)
        {
            if (value.IsEmpty)
            {
                return;
            }

            if (_allInteger && !(long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                && value.SequenceEqual(l.ToString(CultureInfo.InvariantCulture))))
            {
                _allInteger = false;
            }

            if (_allDouble && !(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                && value.SequenceEqual(d.ToString("R", CultureInfo.InvariantCulture))))
            {
                _allDouble = false;
            }
        }

        public object? Convert(ReadOnlySpan<char> value)
        {
            if (value.IsEmpty)
            {
                return null;
            }

            if (_allInteger)
            {
                return long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }

            if (_allDouble)
            {
                return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            return value.ToString();
        }
    }

    /// <summary>A reader over a ZIP entry that also closes the entry and its archive.</summary>
    private sealed class EntryOwningReader : TextReader
    {
        private readonly ZippedCsvEntry _entry;
        private readonly TextReader _inner;

        public EntryOwningReader(ZippedCsvEntry entry, TextReader inner)
        {
            _entry = entry;
            _inner = inner;
        }

        public override int Peek() => _inner.Peek();

        public override int Read() => _inner.Read();

        public override int Read(char[] buffer, int index, int count) => _inner.Read(buffer, index, count);

        public override int Read(Span<char> buffer) => _inner.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _entry.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
