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
public sealed class CsvResultDecoder : IResultDecoder, IReportsNumbers
{
    private const int BatchSize = ResultBatch.DefaultRows;

    /// <summary>The longest header row accepted: results have a few short column names.</summary>
    internal const int MaxHeaderChars = 64 * 1024;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private string _path;
    private readonly bool _zipped;
    private readonly string _outputColumn;
    private readonly int _outputIndex;
    private readonly int _inputIndex;
    private readonly int _logprobIndex;
    private readonly ExtraColumn[] _extras;

    private CsvResultDecoder(string path, bool zipped, string[] names, int outputIndex, int inputIndex, int logprobIndex, ExtraColumn[] extras, long rowCount)
    {
        _path = path;
        _zipped = zipped;
        _outputColumn = names[outputIndex];
        _outputIndex = outputIndex;
        _inputIndex = inputIndex;
        _logprobIndex = logprobIndex;
        _extras = extras;
        RowCount = rowCount;
        Schema = new ResultSchema(inputIndex >= 0, logprobIndex >= 0, extras.Select(e => e.Name).ToArray());
    }

    public ResultSchema Schema { get; }

    public long RowCount { get; }

    /// <summary>Numbers kept as text because no .NET number holds them.</summary>
    public NumberNotes Numbers { get; } = new();

    /// <summary>The outputs column's name when it names a job (not <c>outputs</c> or <c>inference_result</c>).</summary>
    public string? OutputColumnJobId => OutputColumn.JobIdOf(_outputColumn);

    /// <summary>
    /// Validates the file and returns a decoder. The outputs column is chosen by <see cref="OutputColumn.Choose"/>:
    /// <paramref name="outputColumnNames"/> (and, when zipped, the ZIP entry's base name) first.
    /// </summary>
    public static CsvResultDecoder Open(string path, bool zipped, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        string? entryName = null;
        using (var source = OpenCsv(path, zipped, out entryName))
        {
            return Validate(path, zipped, source, entryName, outputColumnNames, cancellationToken);
        }
    }

    /// <summary>
    /// The first pass over the server's ZIP as it streams (see <see cref="ResultBodyValidator"/>): what opens the
    /// complete file without reading it again, once its directory confirms the entry; null when the entry cannot be
    /// read as it streams.
    /// </summary>
    internal static Func<string, IResultDecoder>? ValidateStreaming(Stream body, IReadOnlyList<string> outputColumnNames, Func<long> zipBombLimit, CancellationToken cancellationToken)
    {
        var entry = StreamedZipEntry.TryOpen(body, zipBombLimit);
        if (entry is null)
        {
            return null;
        }

        CsvResultDecoder decoder;
        // As from a file: the entry is inflated on another thread, ahead of the parser, so the two share the cores
        // while the download goes on.
        using (var source = new StreamReader(new ReadAheadStream(entry.Content), StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: false))
        {
            decoder = Validate(string.Empty, zipped: true, source, entry.Name, outputColumnNames, cancellationToken);
        }

        return path =>
        {
            entry.Confirm(path);
            decoder._path = path;
            return decoder;
        };
    }

    private static SepReader OpenReader(TextReader source, bool unescape) =>
        // The header is read as a row, not by Sep's header support: unnamed columns (pandas writes one) may repeat.
        Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = unescape }).From(source);

    private static CsvResultDecoder Validate(string path, bool zipped, TextReader source, string? entryName, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = OpenReader(source, unescape: false);
            using var rows = reader.GetEnumerator();
            if (!rows.MoveNext())
            {
                throw new ResultDecodeException("The CSV results are empty: there is not even a header row.");
            }

            string[] names = ReadHeader(rows.Current);
            var duplicate = names.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ResultDecodeException($"The CSV header names the column '{duplicate.Key}' twice: {string.Join(", ", names)}.");
            }

            int logprobIndex = Array.IndexOf(names, OutputColumn.Logprobs);
            var columns = names.Select(n => new ExtraColumn(n)).ToArray();
            long count = 0;
            while (rows.MoveNext())
            {
                if ((count & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var row = rows.Current;
                for (int i = 0; i < names.Length; i++)
                {
                    var raw = row[i].Span;
                    CheckQuoting(raw, count, names[i]);
                    if (i == logprobIndex)
                    {
                        ParseLogprob(UnquoteSpan(raw), count);
                    }
                    else if (!columns[i].IsText)
                    {
                        columns[i].Observe(UnquoteSpan(raw));
                    }
                }

                count++;
            }

            var jobIds = entryName is null || outputColumnNames is KnownJobId ? outputColumnNames : outputColumnNames.Append(Path.GetFileNameWithoutExtension(entryName)).ToArray();
            int outputIndex = OutputColumn.Choose(names, i => columns[i].IsText, jobIds);
            if (outputIndex < 0)
            {
                throw OutputColumn.Missing("CSV", names, jobIds);
            }

            int inputIndex = Array.IndexOf(names, OutputColumn.Inputs);
            inputIndex = inputIndex == outputIndex ? -1 : inputIndex;
            logprobIndex = logprobIndex == outputIndex ? -1 : logprobIndex;
            var extras = Enumerable.Range(0, names.Length)
                .Where(i => i != outputIndex && i != inputIndex && i != logprobIndex)
                .Select(i => columns[i].At(i))
                .ToArray();
            return new CsvResultDecoder(path, zipped, names, outputIndex, inputIndex, logprobIndex, extras, count);
        }
        catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
        {
            throw Wrap(ex);
        }
    }

    private static string[] ReadHeader(SepReader.Row header)
    {
        long chars = 0;
        var names = new string[header.ColCount];
        for (int i = 0; i < names.Length; i++)
        {
            var raw = header[i].Span;
            chars += raw.Length;
            if (chars > MaxHeaderChars)
            {
                throw new ResultDecodeException(
                    $"The CSV header row is longer than {MaxHeaderChars / 1024} KB ({header.ColCount} columns); results have a handful of short column names, so this is not a results file.");
            }

            names[i] = UnquoteSpan(raw).ToString();
        }

        return names;
    }

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var source = OpenCsv(_path, _zipped, out _);
        using var reader = OpenReader(source, unescape: true);
        int outputIndex = _outputIndex;
        int inputIndex = _inputIndex;
        int logprobIndex = _logprobIndex;
        int[] extraIndexes = _extras.Select(e => e.Index).ToArray();

        var batch = new ResultBatch(BatchSize, _extras.Length);
        long rowIndex = 0;
        bool header = true;
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

            if (header)
            {
                header = false;
                continue;
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
                batch.Extras[e][i] = _extras[e].Convert(row[extraIndexes[e]].Span, Numbers);
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
        _ when ex.Message.Contains("maximum supported length", StringComparison.Ordinal) => new ResultDecodeException(
            $"The CSV holds a row longer than {ResultLimits.MaxValueChars:N0} characters; results values (and CSV rows) are limited to that length.", ex),
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
    /// A column and the type its values take. CSV carries no types, so the number rule is applied to the text of a
    /// column whose every value is a number in JSON's syntax (no leading zero, so an id such as 007 stays text),
    /// value by value: a whole number is [long] ([bigint] beyond long), any other [double], and one beyond [double]'s
    /// range (1e400) is kept as its text (and counted, for a warning). A column whose every value is true or false
    /// (any case) gives [bool]; any other column is text. An empty field is null.
    /// </summary>
    private sealed class ExtraColumn
    {
        public ExtraColumn(string name) => Name = name;

        public string Name { get; }

        /// <summary>The column's position in the header.</summary>
        public int Index { get; private set; }

        public bool IsText => !_allNumber && !_allBoolean;

        private bool _allNumber = true;
        private bool _allBoolean = true;
        private bool _any;

        public ExtraColumn At(int index)
        {
            Index = index;
            if (!_any)
            {
                // Only empty fields: text, as a column of nulls is anywhere.
                _allNumber = _allBoolean = false;
            }

            return this;
        }

        public void Observe(ReadOnlySpan<char> value)
        {
            if (value.IsEmpty)
            {
                return;
            }

            _any = true;
            if (_allNumber)
            {
                _allNumber = NumberSyntax(value) > 0;
            }

            _allBoolean &= value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
        }

        public object? Convert(ReadOnlySpan<char> value, NumberNotes numbers)
        {
            if (value.IsEmpty)
            {
                return null;
            }

            if (_allNumber)
            {
                // The number rule, value by value, from the span (no string for a number that parses).
                if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
                {
                    return whole;
                }

                if (value.IndexOfAny('.', 'e', 'E') < 0)
                {
                    return System.Numerics.BigInteger.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                }

                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real))
                {
                    return real;
                }

                string text = value.ToString();
                numbers.KeptAsText(text, Name);
                return text;
            }

            if (_allBoolean)
            {
                return value.Equals("true", StringComparison.OrdinalIgnoreCase);
            }

            return value.ToString();
        }

        /// <summary>
        /// 1 for a whole number, 2 for another number a [double] holds (JSON's number syntax, finite), 3 for a number
        /// beyond [double]'s range, 0 for anything that is not a number.
        /// </summary>
        internal static int NumberSyntax(ReadOnlySpan<char> text)
        {
            int at = 0;
            if (at < text.Length && text[at] == '-')
            {
                at++;
            }

            int digits = Digits(text, ref at);
            if (digits == 0 || (digits > 1 && text[at - digits] == '0'))
            {
                return 0;
            }

            bool whole = true;
            if (at < text.Length && text[at] == '.')
            {
                at++;
                whole = false;
                if (Digits(text, ref at) == 0)
                {
                    return 0;
                }
            }

            if (at < text.Length && text[at] is 'e' or 'E')
            {
                at++;
                whole = false;
                if (at < text.Length && text[at] is '+' or '-')
                {
                    at++;
                }

                if (Digits(text, ref at) == 0)
                {
                    return 0;
                }
            }

            if (at != text.Length)
            {
                return 0;
            }

            if (whole)
            {
                return 1;
            }

            // A number beyond [double]'s range (3) is still a number: it is kept as its text, with a warning.
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? 2 : 3;
        }

        private static int Digits(ReadOnlySpan<char> text, ref int at)
        {
            int start = at;
            while (at < text.Length && char.IsAsciiDigit(text[at]))
            {
                at++;
            }

            return at - start;
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
