using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using System.Text.Unicode;

namespace Sutro.Results;

/// <summary>What <see cref="JsonChunkReader.Read"/> extracts from a token besides its type.</summary>
internal enum JsonTokenText
{
    /// <summary>Validate string tokens (UTF-8, escapes) without allocating.</summary>
    ValidateOnly,

    /// <summary>Return string tokens (and property names) as .NET strings.</summary>
    Materialize,
}

/// <summary>One token, with its absolute byte offset in the file.</summary>
internal struct JsonToken
{
    public JsonTokenType Type;
    public long Offset;
    public string? Text;
    public double Number;
    public long Integer;
    public bool IsInteger;
    public bool NumberFitsDouble;
}

/// <summary>
/// Reads a JSON file token by token through a growable buffer, so memory is bounded by the
/// largest single token, not by the file. <see cref="Utf8JsonReader"/> does the parsing; this
/// class only feeds it. It owns the stream. Strings are validated as UTF-8: invalid bytes are an error, never U+FFFD.
/// </summary>
internal sealed class JsonChunkReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>A single token larger than this is refused rather than buffered.</summary>
    internal const int MaxTokenBytes = 512 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private byte[] _unescaped = Array.Empty<byte>();
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;
    private JsonReaderState _state;

    public JsonChunkReader(Stream stream, long startOffset = 0)
    {
        _stream = stream;
        _stream.Seek(startOffset, SeekOrigin.Begin);
        _bufferOffset = startOffset;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
    }

    /// <summary>Absolute offset of the next unread byte.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>Reads the next token; false at the end of the document.</summary>
    public bool Read(ref JsonToken token, JsonTokenText text)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            bool got;
            try
            {
                got = reader.Read();
            }
            catch (JsonException ex)
            {
                throw new ResultDecodeException(
                    $"The JSON is malformed near byte {Position + reader.BytesConsumed}: {StripPosition(ex.Message)}", ex);
            }

            if (got)
            {
                token.Type = reader.TokenType;
                token.Offset = Position + reader.TokenStartIndex;
                token.Text = null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                    case JsonTokenType.PropertyName:
                        token.Text = ReadText(ref reader, text, token.Offset);
                        break;
                    case JsonTokenType.Number:
                        token.IsInteger = reader.TryGetInt64(out token.Integer);
                        token.NumberFitsDouble = reader.TryGetDouble(out token.Number);
                        break;
                }

                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }

            if (_eof)
            {
                // With the final block, Utf8JsonReader itself throws for an empty or unfinished
                // document, so a plain 'false' here is a clean end.
                return false;
            }

            Refill();
        }
    }

    private string? ReadText(ref Utf8JsonReader reader, JsonTokenText text, long offset)
    {
        try
        {
            if (text == JsonTokenText.Materialize)
            {
                return reader.GetString();
            }

            if (!reader.ValueIsEscaped)
            {
                if (!Utf8.IsValid(reader.ValueSpan))
                {
                    throw new ResultDecodeException($"The JSON holds invalid UTF-8 in the string at byte {offset}.");
                }

                return null;
            }

            // Unescaped to UTF-8, not transcoded to UTF-16: CopyString refuses invalid UTF-8 and lone surrogates
            // just as GetString does, at a fraction of the cost on text full of accents and emoji.
            int needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            if (_unescaped.Length < needed)
            {
                _unescaped = new byte[Math.Max(needed, 1024)];
            }

            int written = reader.CopyString(_unescaped);
            if (!Utf8.IsValid(_unescaped.AsSpan(0, written)))
            {
                throw new ResultDecodeException($"The JSON holds invalid UTF-8 in the string at byte {offset}.");
            }

            return null;
        }
        catch (InvalidOperationException ex)
        {
            throw new ResultDecodeException($"The JSON string at byte {offset} is not valid text: {ex.Message}", ex);
        }
    }

    private void Refill()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _bufferOffset += _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxTokenBytes)
            {
                throw new ResultDecodeException(
                    $"The JSON holds a single value larger than {MaxTokenBytes / (1024 * 1024)} MB at byte {Position}; refusing to buffer it.");
            }

            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxTokenBytes));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }

    private static string StripPosition(string message)
    {
        // Utf8JsonReader positions are relative to the current chunk; ours replace them.
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at > 0 ? message.Substring(0, at).TrimEnd(' ', '|') : message;
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = Array.Empty<byte>();
    }
}
