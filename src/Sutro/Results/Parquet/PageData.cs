using System;
using System.IO;

namespace Sutro.Results.Parquet;

/// <summary>
/// A page's inflated bytes: held whole for ordinary pages, or a bounded window over an inflating stream for pages
/// too large to hold (a writer that puts a whole column chunk in one page). Every read is checked against what
/// the page header declared, so a lying header fails by name instead of reading past the page. An inflating
/// stream is disposed as soon as its page is done or replaced (its decoder's buffers are released then, not when a
/// finalizer gets to them).
/// </summary>
internal sealed class PageData : IDisposable
{
    private byte[] _buffer = new byte[1 << 16];
    private int _pos;
    private int _end;
    private Stream? _stream;
    private long _streamLeft;

    public byte[] Buffer => _buffer;

    public int Position => _pos;

    /// <summary>Bytes still to come in this page (held and not yet inflated).</summary>
    public long Left => _end - _pos + _streamLeft;

    /// <summary>A buffer of at least <paramref name="size"/> bytes for a whole page; call <see cref="SetWhole"/> next.</summary>
    public byte[] Rent(int size)
    {
        if (_buffer.Length < size)
        {
            _buffer = new byte[Math.Max(size, Math.Min(_buffer.Length * 2, int.MaxValue / 2))];
        }

        return _buffer;
    }

    public void SetWhole(int length)
    {
        CloseStream();
        _pos = 0;
        _end = length;
        _streamLeft = 0;
    }

    public void SetStream(Stream stream, long length)
    {
        CloseStream();
        _pos = 0;
        _end = 0;
        _stream = stream;
        _streamLeft = length;
    }

    public void Dispose() => CloseStream();

    private void CloseStream()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public void Advance(int count) => _pos += count;

    /// <summary>Makes the next <paramref name="count"/> bytes available at <see cref="Position"/>.</summary>
    public void Ensure(int count)
    {
        if (_end - _pos >= count)
        {
            return;
        }

        if (count < 0 || count > Left)
        {
            throw new ParquetPageException($"a value runs past the end of its page ({count} bytes wanted, {Left} left)");
        }

        int held = _end - _pos;
        if (_buffer.Length < count)
        {
            var larger = new byte[(int)Math.Min(Math.Max(count, (long)_buffer.Length * 2), int.MaxValue - 64)];
            System.Buffer.BlockCopy(_buffer, _pos, larger, 0, held);
            _buffer = larger;
        }
        else if (held > 0)
        {
            System.Buffer.BlockCopy(_buffer, _pos, _buffer, 0, held);
        }

        _pos = 0;
        _end = held;
        int want = (int)Math.Min(_buffer.Length - _end, _streamLeft);
        while (_end < count || want > 0)
        {
            int read = _stream!.Read(_buffer, _end, want);
            if (read == 0)
            {
                throw new ParquetPageException($"a page inflates to fewer bytes than its header declares ({_streamLeft} missing)");
            }

            _end += read;
            _streamLeft -= read;
            want -= read;
            if (_end >= count)
            {
                break;
            }
        }
    }

    /// <summary>Reads and checks what is left of a streamed page, so its CRC and its declared size are verified.</summary>
    public void Finish()
    {
        if (_stream is null)
        {
            return;
        }

        while (_streamLeft > 0)
        {
            _pos = 0;
            _end = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, _streamLeft));
            if (_end == 0)
            {
                throw new ParquetPageException($"a page inflates to fewer bytes than its header declares ({_streamLeft} missing)");
            }

            _streamLeft -= _end;
        }

        if (_stream.ReadByte() >= 0)
        {
            throw new ParquetPageException("a page inflates to more bytes than its header declares");
        }

        CloseStream();
        _pos = _end = 0;
    }

    public int ReadInt32()
    {
        Ensure(4);
        int value = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_pos));
        _pos += 4;
        return value;
    }

    public long ReadInt64()
    {
        Ensure(8);
        long value = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_pos));
        _pos += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(_pos, count);
        _pos += count;
        return span;
    }

    /// <summary>Everything left in the page, held at once (for encodings that are not read value by value).</summary>
    public ReadOnlySpan<byte> ReadRest()
    {
        if (Left > int.MaxValue - 64)
        {
            throw new ParquetPageException("a page is too large");
        }

        int rest = (int)Left;
        Ensure(rest);
        var span = _buffer.AsSpan(_pos, rest);
        _pos += rest;
        return span;
    }
}
