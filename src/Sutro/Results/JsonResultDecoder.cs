using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;

namespace Sutro.Results;

/// <summary>
/// Decodes the JSON results body: one object of parallel arrays (<c>outputs</c>, <c>inputs</c>,
/// <c>cumulative_logprobs</c>, extra columns), bare or wrapped in <c>results</c>.
/// A first pass validates the document and records where each array starts; rows are then read
/// with one cursor per array, in step, so no array is ever held whole in memory.
/// </summary>
public sealed class JsonResultDecoder : IResultDecoder, IReportsNumbers
{
    private const int BatchSize = ResultBatch.DefaultRows;

    private string _path;
    private readonly TemporaryFile? _transcoded;
    private readonly ArrayInfo _outputs;
    private readonly ArrayInfo? _inputs;
    private readonly ArrayInfo? _logprobs;
    private readonly ArrayInfo[] _extras;

    private JsonResultDecoder(string path, TemporaryFile? transcoded, ArrayInfo outputs, ArrayInfo? inputs, ArrayInfo? logprobs, ArrayInfo[] extras)
    {
        _path = path;
        _transcoded = transcoded;
        _outputs = outputs;
        _inputs = inputs;
        _logprobs = logprobs;
        _extras = extras;
        Schema = new ResultSchema(inputs is not null, logprobs is not null, extras.Select(e => e.Name).ToArray());
    }

    public ResultSchema Schema { get; }

    public long RowCount => _outputs.Count;

    /// <summary>Numbers kept as text because no .NET number holds them.</summary>
    public NumberNotes Numbers { get; } = new();

    /// <summary>The outputs column's name when it names a job (not <c>outputs</c> or <c>inference_result</c>).</summary>
    public string? OutputColumnJobId => OutputColumn.JobIdOf(_outputs.Name) ?? RecordedJobId;

    /// <summary>The job a saved file records in its top-level <c>job_id</c> member (see <see cref="JsonJobStamp"/>).</summary>
    private string? RecordedJobId { get; init; }

    /// <summary>Validates the file and returns a decoder positioned before the first row.</summary>
    public static JsonResultDecoder Open(string path, CancellationToken cancellationToken) =>
        Open(path, Array.Empty<string>(), cancellationToken);

    /// <summary>
    /// Validates the file and returns a decoder positioned before the first row. The outputs array is chosen by
    /// <see cref="OutputColumn.Choose"/> (<paramref name="outputColumnNames"/> first, then <c>outputs</c>...).
    /// A UTF-16 file (with its byte order mark, as Windows PowerShell writes) is read through a UTF-8 copy.
    /// </summary>
    public static JsonResultDecoder Open(string path, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        TemporaryFile? transcoded = Utf16.Transcode(path, cancellationToken);
        try
        {
            string source = transcoded?.Path ?? path;
            var scan = new Scanner(cancellationToken);
            using (var reader = new JsonChunkReader(OpenFile(source)))
            {
                scan.Run(reader);
            }

            return scan.Build(source, transcoded, outputColumnNames);
        }
        catch
        {
            transcoded?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first pass over a body as it streams (see <see cref="ResultBodyValidator"/>): what opens the complete
    /// file without reading it again.
    /// </summary>
    internal static Func<string, IResultDecoder> ValidateStreaming(Stream body, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        var scan = new Scanner(cancellationToken);
        using (var reader = new JsonChunkReader(body))
        {
            scan.Run(reader);
        }

        var decoder = scan.Build(string.Empty, null, outputColumnNames);
        return path =>
        {
            decoder._path = path;
            return decoder;
        };
    }

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        // A text outputs column is read on a worker thread, a batch's worth at a time and a few ahead, while the other
        // columns are read here: the text of the outputs and the inputs is most of the work. (A column of text notes
        // no numbers, so the warning about numbers kept as text names the same first number either way.)
        bool ahead = Environment.ProcessorCount > 1 && _outputs.IsText && (_inputs is not null || _extras.Length > 0);
        using var outputs = ahead ? null : new Cursor(_path, _outputs, Numbers, numbersAsDoubles: true);
        using var outputPieces = ahead
            ? BatchPrefetcher.Ahead(ReadOutputs, PiecesAhead, cancellationToken).GetEnumerator()
            : null;
        using var inputs = _inputs is null ? null : new Cursor(_path, _inputs, Numbers, numbersAsDoubles: true);
        using var logprobs = _logprobs is null ? null : new Cursor(_path, _logprobs, Numbers);
        var extras = _extras.Select(e => new Cursor(_path, e, Numbers)).ToArray();
        try
        {
            long remaining = _outputs.Count;
            while (remaining > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(BatchSize, remaining);
                var batch = new ResultBatch(count, extras.Length) { Count = count };
                if (outputPieces is not null)
                {
                    // The worker reads the same batch sizes, so each piece is this batch's outputs.
                    if (!outputPieces.MoveNext())
                    {
                        throw new ResultDecodeException($"The JSON array '{_outputs.Name}' ended before its {_outputs.Count} values.");
                    }

                    Array.Copy(outputPieces.Current, batch.Outputs, count);
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        batch.Outputs[i] = outputs!.NextValue();
                    }
                }

                if (inputs is not null)
                {
                    for (int i = 0; i < count; i++)
                    {
                        batch.Inputs[i] = inputs.NextValue();
                    }
                }

                if (logprobs is not null)
                {
                    for (int i = 0; i < count; i++)
                    {
                        batch.Logprobs[i] = logprobs.NextDouble();
                    }
                }

                for (int c = 0; c < extras.Length; c++)
                {
                    object?[] column = batch.Extras[c];
                    for (int i = 0; i < count; i++)
                    {
                        column[i] = extras[c].NextValue();
                    }
                }

                remaining -= count;
                yield return batch;
            }
        }
        finally
        {
            foreach (var cursor in extras)
            {
                cursor.Dispose();
            }
        }
    }

    /// <summary>Batches of outputs a worker may have read ahead of the rows (about 100 KB of text each).</summary>
    private const int PiecesAhead = 8;

    /// <summary>The outputs in the batch sizes of <see cref="ReadBatches"/>, on the worker that reads them ahead.</summary>
    private IEnumerable<object?[]> ReadOutputs(CancellationToken cancellationToken)
    {
        using var outputs = new Cursor(_path, _outputs, Numbers, numbersAsDoubles: true);
        long remaining = _outputs.Count;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(BatchSize, remaining);
            var piece = new object?[count];
            for (int i = 0; i < count; i++)
            {
                piece[i] = outputs.NextValue();
            }

            remaining -= count;
            yield return piece;
        }
    }

    public void Dispose() => _transcoded?.Dispose();

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    private enum ColumnKind
    {
        Number,
        Any,
    }

    private static ColumnKind KindOf(string name) => name == OutputColumn.Logprobs ? ColumnKind.Number : ColumnKind.Any;

    /// <param name="IsText">Every value is a string or null.</param>
    private sealed record ArrayInfo(string Name, long Offset, long Count, bool IsText);

    /// <summary>First pass: validates everything and finds the arrays.</summary>
    private sealed class Scanner
    {
        private readonly CancellationToken _cancellationToken;
        private readonly List<ArrayInfo> _topArrays = new();
        private readonly List<ArrayInfo> _wrappedArrays = new();
        private string? _serverMessage;
        private string? _recordedJobId;
        private JsonToken _token;

        public Scanner(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

        public void Run(JsonChunkReader reader)
        {
            if (!reader.Read(ref _token, JsonTokenText.Materialize))
            {
                throw new ResultDecodeException("The JSON results body is empty.");
            }

            if (_token.Type != JsonTokenType.StartObject)
            {
                throw new ResultDecodeException(
                    $"The JSON results body must be an object of arrays, but it starts with {Describe(_token.Type)}.");
            }

            ScanObject(reader, _topArrays, allowWrapper: true);

            // Anything after the root object is trailing garbage: Utf8JsonReader throws on it.
            if (reader.Read(ref _token, JsonTokenText.ValidateOnly))
            {
                throw new ResultDecodeException($"The JSON has content after the results object at byte {_token.Offset}.");
            }
        }

        public JsonResultDecoder Build(string path, TemporaryFile? transcoded, IReadOnlyList<string> outputColumnNames)
        {
            var arrays = _wrappedArrays.Count > 0 ? _wrappedArrays : _topArrays;
            var names = arrays.Select(a => a.Name).ToArray();
            int chosen = OutputColumn.Choose(names, i => arrays[i].IsText, outputColumnNames);
            if (chosen < 0)
            {
                if (_serverMessage is not null)
                {
                    throw new ResultDecodeException($"The server sent a message instead of results: {_serverMessage}");
                }

                throw new ResultDecodeException(
                    $"The JSON results hold no 'outputs' array{(names.Length == 0 ? string.Empty : $" (arrays: {string.Join(", ", names.Select(n => $"'{n}'"))})")}. "
                    + "Pass -JobId when the outputs array is named after the job.");
            }

            if (_recordedJobId is not null && outputColumnNames is KnownJobId known && _recordedJobId != known.JobId)
            {
                throw new ResultDecodeException(
                    $"These results are not those of job '{known.JobId}': the file records job '{_recordedJobId}' " +
                    $"({JsonJobStamp.Member}). No rows were read. Check the job id; to read a saved file as the job it " +
                    "records, leave out -JobId.");
            }

            var outputs = arrays[chosen];
            foreach (var array in arrays)
            {
                if (array.Count != outputs.Count)
                {
                    throw new ResultDecodeException(
                        $"The JSON result arrays differ in length: '{outputs.Name}' has {outputs.Count} elements but '{array.Name}' has {array.Count}.");
                }
            }

            var inputs = arrays.FirstOrDefault(a => a.Name == OutputColumn.Inputs && a != outputs);
            var logprobs = arrays.FirstOrDefault(a => a.Name == OutputColumn.Logprobs && a != outputs);
            var extras = arrays.Where(a => a != outputs && a != inputs && a != logprobs).ToArray();
            return new JsonResultDecoder(path, transcoded, outputs, inputs, logprobs, extras)
            {
                RecordedJobId = string.IsNullOrEmpty(_recordedJobId) ? null : _recordedJobId,
            };
        }

        private void ScanObject(JsonChunkReader reader, List<ArrayInfo> arrays, bool allowWrapper)
        {
            while (true)
            {
                Next(reader, JsonTokenText.Materialize);
                if (_token.Type == JsonTokenType.EndObject)
                {
                    return;
                }

                string name = _token.Text!;
                Next(reader, JsonTokenText.Materialize);
                switch (_token.Type)
                {
                    case JsonTokenType.StartArray when !(allowWrapper && name == "results"):
                        if (arrays.Any(a => a.Name == name))
                        {
                            throw new ResultDecodeException($"The JSON results hold the array '{name}' twice.");
                        }

                        arrays.Add(ScanArray(reader, name, _token.Offset));
                        break;
                    case JsonTokenType.StartArray:
                        // {"results": [...]}: a bare list of outputs, as the job-results answer may be.
                        if (_wrappedArrays.Count > 0)
                        {
                            throw new ResultDecodeException("The JSON results hold 'results' twice.");
                        }

                        _wrappedArrays.Add(ScanArray(reader, OutputColumn.Outputs, _token.Offset));
                        break;
                    case JsonTokenType.StartObject when allowWrapper && name == "results" && _wrappedArrays.Count == 0:
                        ScanObject(reader, _wrappedArrays, allowWrapper: false);
                        break;
                    case JsonTokenType.StartObject:
                        SkipContainer(reader);
                        break;
                    case JsonTokenType.String when allowWrapper && name == JsonJobStamp.Member:
                        _recordedJobId ??= _token.Text;
                        break;
                    case JsonTokenType.String when name is "detail" or "message" or "error":
                        _serverMessage ??= Truncate(_token.Text!);
                        break;
                }
            }
        }

        private ArrayInfo ScanArray(JsonChunkReader reader, string name, long offset)
        {
            ColumnKind kind = KindOf(name);
            long count = 0;
            bool isText = true;
            while (true)
            {
                if ((count & 0xFFF) == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                Next(reader, JsonTokenText.ValidateOnly);
                switch (_token.Type)
                {
                    case JsonTokenType.EndArray:
                        return new ArrayInfo(name, offset, count, isText);
                    case JsonTokenType.Null:
                        break;
                    case JsonTokenType.String when kind is ColumnKind.Any:
                        break;
                    case JsonTokenType.Number when kind is ColumnKind.Number:
                        if (!_token.NumberFitsDouble)
                        {
                            throw new ResultDecodeException($"'{name}'[{count}] is a number out of range, at byte {_token.Offset}.");
                        }

                        break;
                    case JsonTokenType.Number:
                        isText = false;
                        break;
                    case JsonTokenType.True or JsonTokenType.False when kind is ColumnKind.Any:
                        isText = false;
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when kind is ColumnKind.Any:
                        isText = false;
                        SkipContainer(reader);
                        break;
                    default:
                        throw new ResultDecodeException(
                            $"'{name}'[{count}] is {Describe(_token.Type)}, but a number or null was expected (byte {_token.Offset}).");
                }

                count++;
            }
        }

        private void SkipContainer(JsonChunkReader reader)
        {
            int depth = 1;
            while (depth > 0)
            {
                Next(reader, JsonTokenText.ValidateOnly);
                if (_token.Type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    depth++;
                }
                else if (_token.Type is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    depth--;
                }
            }
        }

        private void Next(JsonChunkReader reader, JsonTokenText text)
        {
            if (!reader.Read(ref _token, text))
            {
                throw new ResultDecodeException($"The JSON results end early, at byte {reader.Position}.");
            }
        }

        private static string Truncate(string text) => text.Length <= 1000 ? text : text.Substring(0, 1000) + "...";
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    /// <summary>Reads one validated array element by element.</summary>
    private sealed class Cursor : IDisposable
    {
        private readonly JsonChunkReader _reader;
        private readonly bool _numbersAsDoubles;
        private JsonToken _token;

        /// <param name="numbersAsDoubles">An array of numbers is a [double[]] (an embedding in the outputs).</param>
        /// <param name="notes">Told of each number no .NET number holds (kept as its text).</param>
        public Cursor(string path, ArrayInfo array, NumberNotes notes, bool numbersAsDoubles = false)
        {
            _reader = new JsonChunkReader(OpenFile(path), array.Offset) { TextNumber = number => notes.KeptAsText(number, array.Name) };
            _reader.Read(ref _token, JsonTokenText.ValidateOnly); // the '['
            _numbersAsDoubles = numbersAsDoubles;
        }

        public double? NextDouble()
        {
            _reader.Read(ref _token, JsonTokenText.ValidateOnly);
            return _token.Type == JsonTokenType.Null ? null : _token.Number;
        }

        public object? NextValue()
        {
            _reader.Read(ref _token, JsonTokenText.Materialize);
            switch (_token.Type)
            {
                case JsonTokenType.String:
                    return _token.Text;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    return ReadContainer();
                default:
                    return Scalar();
            }
        }

        private object? Scalar() => _token.Type switch
        {
            JsonTokenType.String => _token.Text,
            JsonTokenType.Number => _token.IsInteger ? _token.Integer : _token.Value ?? _token.Number,
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };

        /// <summary>
        /// A nested array or object: object[] and an ordered dictionary, built without recursion however deep it
        /// nests.
        /// </summary>
        private object? ReadContainer()
        {
            var stack = new Stack<Container>();
            stack.Push(new Container(_token.Type == JsonTokenType.StartObject));
            while (true)
            {
                _reader.Read(ref _token, JsonTokenText.Materialize);
                switch (_token.Type)
                {
                    case JsonTokenType.PropertyName:
                        stack.Peek().PendingName = _token.Text;
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        stack.Push(new Container(_token.Type == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        var done = stack.Pop();
                        if (stack.Count == 0)
                        {
                            return done.Result(_numbersAsDoubles);
                        }

                        stack.Peek().Add(done.Result(numbersAsDoubles: false));
                        break;
                    default:
                        stack.Peek().Add(Scalar());
                        break;
                }
            }
        }

        public void Dispose() => _reader.Dispose();
    }

    /// <summary>
    /// An array or object being built from its tokens. An object becomes an ordered dictionary with its keys exactly
    /// as written (an empty key, keys differing only in case: none is lost); a repeated key keeps its last value.
    /// </summary>
    private sealed class Container
    {
        private readonly List<object?>? _items;
        private readonly System.Collections.Specialized.OrderedDictionary? _object;

        public Container(bool isObject)
        {
            if (isObject)
            {
                _object = new System.Collections.Specialized.OrderedDictionary(StringComparer.Ordinal);
            }
            else
            {
                _items = new List<object?>();
            }
        }

        public string? PendingName { get; set; }

        public void Add(object? value)
        {
            if (_items is not null)
            {
                _items.Add(value);
                return;
            }

            _object![PendingName!] = value;
        }

        public object? Result(bool numbersAsDoubles)
        {
            if (_items is null)
            {
                return _object;
            }

            if (numbersAsDoubles && _items.Count > 0 && _items.TrueForAll(v => v is long or double or System.Numerics.BigInteger))
            {
                var numbers = new double[_items.Count];
                for (int i = 0; i < numbers.Length; i++)
                {
                    numbers[i] = _items[i] switch
                    {
                        long l => l,
                        double d => d,
                        var b => (double)(System.Numerics.BigInteger)b!,
                    };
                }

                return numbers;
            }

            return _items.ToArray();
        }
    }

    /// <summary>Reads a UTF-16 JSON file (what Windows PowerShell's Out-File writes) through a UTF-8 copy.</summary>
    private static class Utf16
    {
        public static TemporaryFile? Transcode(string path, CancellationToken cancellationToken)
        {
            System.Text.Encoding? encoding;
            using (var probe = File.OpenRead(path))
            {
                Span<byte> bom = stackalloc byte[2];
                int read = probe.ReadAtLeast(bom, 2, throwOnEndOfStream: false);
                encoding = read < 2 ? null
                    : bom[0] == 0xFF && bom[1] == 0xFE ? System.Text.Encoding.Unicode
                    : bom[0] == 0xFE && bom[1] == 0xFF ? System.Text.Encoding.BigEndianUnicode
                    : null;
            }

            if (encoding is null)
            {
                return null;
            }

            var copy = new TemporaryFile();
            try
            {
                var strict = (System.Text.Encoding)encoding.Clone();
                strict.DecoderFallback = System.Text.DecoderFallback.ExceptionFallback;
                using var source = new StreamReader(path, strict, detectEncodingFromByteOrderMarks: true);
                using var target = new FileStream(copy.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
                using var writer = new StreamWriter(target, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true), 64 * 1024);
                char[] buffer = new char[32 * 1024];
                int n;
                while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    writer.Write(buffer, 0, n);
                }

                return copy;
            }
            catch (Exception ex) when (ex is System.Text.DecoderFallbackException or System.Text.EncoderFallbackException)
            {
                copy.Dispose();
                throw new ResultDecodeException("The JSON file starts with a UTF-16 byte order mark but holds bytes that are not valid UTF-16.", ex);
            }
            catch
            {
                copy.Dispose();
                throw;
            }
        }
    }
}
