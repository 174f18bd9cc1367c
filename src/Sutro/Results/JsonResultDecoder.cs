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
public sealed class JsonResultDecoder : IResultDecoder
{
    private const int BatchSize = ResultBatch.DefaultRows;

    private readonly string _path;
    private readonly ArrayInfo _outputs;
    private readonly ArrayInfo? _inputs;
    private readonly ArrayInfo? _logprobs;
    private readonly ArrayInfo[] _extras;

    private JsonResultDecoder(string path, ArrayInfo outputs, ArrayInfo? inputs, ArrayInfo? logprobs, ArrayInfo[] extras)
    {
        _path = path;
        _outputs = outputs;
        _inputs = inputs;
        _logprobs = logprobs;
        _extras = extras;
        Schema = new ResultSchema(inputs is not null, logprobs is not null, extras.Select(e => e.Name).ToArray());
    }

    public ResultSchema Schema { get; }

    public long RowCount => _outputs.Count;

    /// <summary>Validates the file and returns a decoder positioned before the first row.</summary>
    public static JsonResultDecoder Open(string path, CancellationToken cancellationToken)
    {
        var scan = new Scanner(cancellationToken);
        using (var reader = new JsonChunkReader(OpenFile(path)))
        {
            scan.Run(reader);
        }

        return scan.Build(path);
    }

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        using var outputs = new Cursor(_path, _outputs);
        using var inputs = _inputs is null ? null : new Cursor(_path, _inputs);
        using var logprobs = _logprobs is null ? null : new Cursor(_path, _logprobs);
        var extras = _extras.Select(e => new Cursor(_path, e)).ToArray();
        try
        {
            long remaining = _outputs.Count;
            while (remaining > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(BatchSize, remaining);
                var batch = new ResultBatch(count, extras.Length) { Count = count };
                for (int i = 0; i < count; i++)
                {
                    batch.Outputs[i] = outputs.NextString();
                }

                if (inputs is not null)
                {
                    for (int i = 0; i < count; i++)
                    {
                        batch.Inputs[i] = inputs.NextString();
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

    public void Dispose()
    {
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    private enum ColumnKind
    {
        Text,
        Number,
        Any,
    }

    private static ColumnKind KindOf(string name) => name switch
    {
        "outputs" or "inputs" => ColumnKind.Text,
        "cumulative_logprobs" => ColumnKind.Number,
        _ => ColumnKind.Any,
    };

    private sealed record ArrayInfo(string Name, long Offset, long Count);

    /// <summary>First pass: validates everything and finds the arrays.</summary>
    private sealed class Scanner
    {
        private readonly CancellationToken _cancellationToken;
        private readonly List<ArrayInfo> _topArrays = new();
        private readonly List<ArrayInfo> _wrappedArrays = new();
        private string? _serverMessage;
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

        public JsonResultDecoder Build(string path)
        {
            var arrays = _wrappedArrays.Any(a => a.Name == "outputs") ? _wrappedArrays : _topArrays;
            var outputs = arrays.FirstOrDefault(a => a.Name == "outputs");
            if (outputs is null)
            {
                throw new ResultDecodeException(_serverMessage is not null
                    ? $"The server sent a message instead of results: {_serverMessage}"
                    : "The JSON results hold no 'outputs' array.");
            }

            foreach (var array in arrays)
            {
                if (array.Count != outputs.Count)
                {
                    throw new ResultDecodeException(
                        $"The JSON result arrays differ in length: 'outputs' has {outputs.Count} elements but '{array.Name}' has {array.Count}.");
                }
            }

            var inputs = arrays.FirstOrDefault(a => a.Name == "inputs");
            var logprobs = arrays.FirstOrDefault(a => a.Name == "cumulative_logprobs");
            var extras = arrays.Where(a => a.Name is not ("outputs" or "inputs" or "cumulative_logprobs")).ToArray();
            return new JsonResultDecoder(path, outputs, inputs, logprobs, extras);
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
                    case JsonTokenType.StartArray:
                        if (arrays.Any(a => a.Name == name))
                        {
                            throw new ResultDecodeException($"The JSON results hold the array '{name}' twice.");
                        }

                        long offset = _token.Offset;
                        long count = ScanArray(reader, name);
                        arrays.Add(new ArrayInfo(name, offset, count));
                        break;
                    case JsonTokenType.StartObject when allowWrapper && name == "results":
                        ScanObject(reader, _wrappedArrays, allowWrapper: false);
                        break;
                    case JsonTokenType.StartObject:
                        SkipContainer(reader);
                        break;
                    case JsonTokenType.String when name is "detail" or "message" or "error":
                        _serverMessage ??= Truncate(_token.Text!);
                        break;
                }
            }
        }

        private long ScanArray(JsonChunkReader reader, string name)
        {
            ColumnKind kind = KindOf(name);
            long count = 0;
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
                        return count;
                    case JsonTokenType.Null:
                        break;
                    case JsonTokenType.String when kind is ColumnKind.Text or ColumnKind.Any:
                        break;
                    case JsonTokenType.Number when kind is ColumnKind.Number or ColumnKind.Any:
                        if (!_token.NumberFitsDouble)
                        {
                            throw new ResultDecodeException($"'{name}'[{count}] is a number out of range, at byte {_token.Offset}.");
                        }

                        break;
                    case JsonTokenType.True or JsonTokenType.False when kind is ColumnKind.Any:
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when kind is ColumnKind.Any:
                        SkipContainer(reader);
                        break;
                    default:
                        throw new ResultDecodeException(
                            $"'{name}'[{count}] is {Describe(_token.Type)}, but {(kind == ColumnKind.Text ? "a string" : "a number")} or null was expected (byte {_token.Offset}).");
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
        private JsonToken _token;

        public Cursor(string path, ArrayInfo array)
        {
            _reader = new JsonChunkReader(OpenFile(path), array.Offset);
            _reader.Read(ref _token, JsonTokenText.ValidateOnly); // the '['
        }

        public string? NextString()
        {
            _reader.Read(ref _token, JsonTokenText.Materialize);
            return _token.Type == JsonTokenType.Null ? null : _token.Text;
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
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.String:
                    return _token.Text;
                case JsonTokenType.Number:
                    return _token.IsInteger ? (object)_token.Integer : _token.Number;
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                    return false;
                default:
                    return ReadContainerText();
            }
        }

        private string ReadContainerText()
        {
            // A nested object or array in an extra column: kept as its compact JSON text.
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteToken(writer);
                int depth = 1;
                while (depth > 0)
                {
                    _reader.Read(ref _token, JsonTokenText.Materialize);
                    if (_token.Type is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        depth++;
                    }
                    else if (_token.Type is JsonTokenType.EndObject or JsonTokenType.EndArray)
                    {
                        depth--;
                    }

                    WriteToken(writer);
                }
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private void WriteToken(Utf8JsonWriter writer)
        {
            switch (_token.Type)
            {
                case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                case JsonTokenType.PropertyName: writer.WritePropertyName(_token.Text!); break;
                case JsonTokenType.String: writer.WriteStringValue(_token.Text); break;
                case JsonTokenType.Number:
                    if (_token.IsInteger)
                    {
                        writer.WriteNumberValue(_token.Integer);
                    }
                    else
                    {
                        writer.WriteNumberValue(_token.Number);
                    }

                    break;
                case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                case JsonTokenType.Null: writer.WriteNullValue(); break;
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
