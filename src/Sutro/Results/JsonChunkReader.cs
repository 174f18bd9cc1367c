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

    /// <summary>A number that is not a long but is written whole (no '.', 'e' or 'E'): a [bigint].</summary>
    public bool IsWholeSyntax;

    /// <summary>
    /// For a number that is neither a long nor an ordinary double: the value by the number rule (a [bigint], or the
    /// text of a number beyond double's range). Set only when read with <see cref="JsonTokenText.Materialize"/>.
    /// </summary>
    public object? Value;
}

/// <summary>
/// Reads a JSON file token by token through a growable buffer, so memory is bounded by the
/// largest single token, not by the file. <see cref="Utf8JsonReader"/> does the parsing; this
/// class only feeds it. It owns the stream. Strings are validated as UTF-8: invalid bytes are an error, never U+FFFD.
/// </summary>
internal sealed class JsonChunkReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>
    /// A single token larger than this is refused rather than buffered: room for a string of
    /// <see cref="ResultLimits.MaxValueChars"/> characters however it is escaped.
    /// </summary>
    internal const int MaxTokenBytes = 7 * ResultLimits.MaxValueChars;

    /// <summary>Told each materialized number no .NET number holds (it is kept as its text).</summary>
    public Action<string>? TextNumber { get; set; }

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;
    private JsonReaderState _state;

    public JsonChunkReader(Stream stream, long startOffset = 0)
    {
        _stream = stream;
        if (startOffset != 0 || _stream.CanSeek)
        {
            _stream.Seek(startOffset, SeekOrigin.Begin);
        }

        _bufferOffset = startOffset;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = Sutro.Rows.JsonToPowerShell.MaxDepth });
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
            catch (JsonException ex) when (reader.CurrentDepth >= Sutro.Rows.JsonToPowerShell.MaxDepth - 1)
            {
                throw new ResultDecodeException(
                    $"The JSON nests deeper than {Sutro.Rows.JsonToPowerShell.MaxDepth} levels near byte {Position + reader.BytesConsumed}; results are never nested that deep.", ex);
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
                        token.NumberFitsDouble = reader.TryGetDouble(out token.Number) && double.IsFinite(token.Number);
                        token.IsWholeSyntax = !token.IsInteger && reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
                        token.Value = token.IsInteger || text != JsonTokenText.Materialize || (token.NumberFitsDouble && !token.IsWholeSyntax)
                            ? null
                            : Sutro.Rows.JsonToPowerShell.Number(System.Text.Encoding.ASCII.GetString(reader.ValueSpan));
                        if (token.Value is string kept)
                        {
                            TextNumber?.Invoke(kept);
                        }

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
        // The reader sees one contiguous buffer, so a value is always a span.
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.Length > ResultLimits.MaxValueChars && CharCount(ref reader) > ResultLimits.MaxValueChars)
        {
            throw TooLong(offset);
        }

        try
        {
            if (text == JsonTokenText.Materialize)
            {
                return Utf8Text.Decode(ref reader);
            }

            // Escapes are ASCII and the reader has checked their syntax, so the raw bytes are valid UTF-8 exactly when
            // the text they stand for is (a lone surrogate escape is kept either way, see below): validated as they
            // are, without unescaping.
            if (!Utf8.IsValid(raw))
            {
                throw new ResultDecodeException($"The JSON holds invalid UTF-8 in the string at byte {offset}.");
            }

            return null;
        }
        catch (InvalidOperationException ex)
        {
            // .NET refuses a lone surrogate escape (\ud800, which Python writes); the text keeps it as the same
            // UTF-16 unit. Anything else (invalid UTF-8) is refused.
            string? kept = reader.ValueIsEscaped ? JsonText.TryUnescape(raw) : null;
            if (kept is null)
            {
                throw new ResultDecodeException($"The JSON string at byte {offset} is not valid text: {ex.Message}", ex);
            }

            return text == JsonTokenText.Materialize ? kept : null;
        }
    }

    private static int CharCount(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped
            ? (JsonText.TryUnescape(reader.ValueSpan)?.Length ?? 0)
            : System.Text.Encoding.UTF8.GetCharCount(reader.ValueSpan);

    private ResultDecodeException TooLong(long offset) => new(
        $"The JSON holds a single value longer than {ResultLimits.MaxValueChars:N0} characters at byte {offset}; "
        + "results values are limited to that length in every format.");

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
                throw TooLong(Position);
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
