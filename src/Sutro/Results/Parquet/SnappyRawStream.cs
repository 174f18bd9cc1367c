using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sutro.Results.Parquet;

/// <summary>
/// Inflates a raw Snappy block (the format Parquet pages use, without the framing of the Snappy stream format)
/// as it is read, keeping only a window of recent output. Snappy writers compress in blocks of 64 KiB, so their
/// back-references never reach further; this reader keeps 1 MiB and refuses a reference beyond it by name.
/// Used for pages too large to inflate whole; smaller pages go through Snappier in one call. Its two buffers come
/// from the shared array pool and go back when the stream is disposed, so a file of many large pages reuses them.
/// </summary>
internal sealed class SnappyRawStream : ForwardOnlyStream
{
    private const int Window = 1 << 20;
    private readonly Stream _source;
    private byte[] _in = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
    private byte[] _out = System.Buffers.ArrayPool<byte>.Shared.Rent(Window * 2);
    private int _inPos;
    private int _inEnd;
    private int _readPos;
    private int _writePos;
    private long _declared = -1;
    private long _produced;
    private long _literalLeft;
    private long _handed;

    public SnappyRawStream(Stream source) => _source = source;

    protected override void Dispose(bool disposing)
    {
        if (disposing && _out.Length > 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_in);
            System.Buffers.ArrayPool<byte>.Shared.Return(_out);
            _in = _out = Array.Empty<byte>();
        }

        base.Dispose(disposing);
    }

    protected override long BytesRead => _handed;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_readPos == _writePos && !Fill())
        {
            return 0;
        }

        int n = Math.Min(buffer.Length, _writePos - _readPos);
        _out.AsSpan(_readPos, n).CopyTo(buffer);
        _readPos += n;
        _handed += n;
        return n;
    }

    /// <summary>Inflates more output; false at the end of the block.</summary>
    private bool Fill()
    {
        if (_declared < 0)
        {
            _declared = ReadLength();
        }

        if (_produced == _declared)
        {
            if (_literalLeft != 0 || _inPos < _inEnd || _source.ReadByte() >= 0)
            {
                throw Damaged("it holds bytes after its declared length");
            }

            return false;
        }

        if (_out.Length - _writePos < 1024)
        {
            // Keep the window of recent output for back-references; the caller has read everything before it.
            int keep = Math.Min(_writePos, Window);
            Buffer.BlockCopy(_out, _writePos - keep, _out, 0, keep);
            _writePos = keep;
            _readPos = keep;
        }

        int start = _writePos;
        while (_out.Length - _writePos >= 64 && _produced < _declared)
        {
            if (_literalLeft > 0)
            {
                CopyLiteral();
                continue;
            }

            if (_inEnd - _inPos >= FastInput && _out.Length - _writePos >= FastRoom && FastElements())
            {
                continue;
            }

            if (!HaveInput())
            {
                throw Damaged("it ends before its declared length");
            }

            int tag = _in[_inPos++];
            switch (tag & 3)
            {
                case 0:
                    {
                        long length = tag >> 2;
                        if (length >= 60)
                        {
                            int bytes = (int)length - 59;
                            length = 0;
                            for (int i = 0; i < bytes; i++)
                            {
                                length |= (long)NextByte() << (8 * i);
                            }
                        }

                        _literalLeft = length + 1;
                        break;
                    }

                case 1:
                    Copy(((tag >> 2) & 7) + 4, ((tag >> 5) << 8) | NextByte());
                    break;
                case 2:
                    Copy((tag >> 2) + 1, NextByte() | (NextByte() << 8));
                    break;
                default:
                    {
                        long offset = (long)NextByte() | ((long)NextByte() << 8) | ((long)NextByte() << 16) | ((long)NextByte() << 24);
                        Copy((tag >> 2) + 1, offset);
                        break;
                    }
            }
        }

        return _writePos > start || Fill();
    }

    /// <summary>Input bytes the fast path may read without checking: the longest tag it takes, then a literal of 16.</summary>
    private const int FastInput = 3 + 16;

    /// <summary>Output room the fast path needs: the longest element (64 bytes) plus 16 for the last wide store.</summary>
    private const int FastRoom = 64 + 16;

    /// <summary>
    /// Runs of the common elements without per-byte checks: literals of up to 16 bytes and copies of one or two
    /// offset bytes whose source lies 16 or more bytes back, moved 16 bytes at a time (stores past an element's end
    /// are overwritten by the next one). Works while <see cref="FastInput"/> input and <see cref="FastRoom"/> output
    /// bytes are left; stops, with that element not consumed, at any other element, which the checked path reads
    /// (and names, if it is damaged). False when it consumed nothing.
    /// </summary>
    private bool FastElements()
    {
        ref byte input = ref MemoryMarshal.GetArrayDataReference(_in);
        ref byte output = ref MemoryMarshal.GetArrayDataReference(_out);
        int inPos = _inPos;
        int writePos = _writePos;
        int inLimit = _inEnd - FastInput;
        int outLimit = _out.Length - FastRoom;

        // Within this call no element may inflate past the declared length, nor reach before the block's start.
        long budget = Math.Min(_declared - _produced, int.MaxValue);
        int limit = (int)Math.Min(outLimit, writePos + budget);
        int reach = (int)Math.Min(writePos, _produced);
        int first = writePos;
        while (inPos <= inLimit && writePos <= outLimit)
        {
            int tag = Unsafe.Add(ref input, inPos);
            int length;
            int offset;
            int size;
            switch (tag & 3)
            {
                case 0:
                    length = (tag >> 2) + 1;
                    if (length > 16 || writePos + length > limit)
                    {
                        goto done;
                    }

                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, writePos), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref input, inPos + 1)));
                    inPos += 1 + length;
                    writePos += length;
                    continue;
                case 1:
                    length = ((tag >> 2) & 7) + 4;
                    offset = ((tag >> 5) << 8) | Unsafe.Add(ref input, inPos + 1);
                    size = 2;
                    break;
                case 2:
                    length = (tag >> 2) + 1;
                    offset = Unsafe.Add(ref input, inPos + 1) | (Unsafe.Add(ref input, inPos + 2) << 8);
                    size = 3;
                    break;
                default:
                    goto done;
            }

            // Overlapping runs, references before the start and elements past the declared length: checked path.
            if (offset < 16 || offset > reach + (writePos - first) || writePos + length > limit)
            {
                goto done;
            }

            ref byte to = ref Unsafe.Add(ref output, writePos);
            ref byte from = ref Unsafe.Add(ref to, -offset);
            for (int k = 0; k < length; k += 16)
            {
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref from, k)));
            }

            inPos += size;
            writePos += length;
        }

    done:
        bool any = writePos > first;
        _produced += writePos - first;
        _inPos = inPos;
        _writePos = writePos;
        return any;
    }

    private void CopyLiteral()
    {
        if (!HaveInput())
        {
            throw Damaged("it ends inside a literal");
        }

        int n = (int)Math.Min(Math.Min(_literalLeft, _inEnd - _inPos), _out.Length - _writePos);
        if (_produced + n > _declared)
        {
            throw Damaged("it inflates past its declared length");
        }

        Buffer.BlockCopy(_in, _inPos, _out, _writePos, n);
        _inPos += n;
        _writePos += n;
        _produced += n;
        _literalLeft -= n;
    }

    private void Copy(int length, long offset)
    {
        if (offset <= 0 || offset > _produced)
        {
            throw Damaged("a back-reference points before its start");
        }

        if (offset > _writePos)
        {
            throw Damaged($"a back-reference reaches {offset} bytes back, beyond the {Window} bytes this reader keeps");
        }

        if (_produced + length > _declared)
        {
            throw Damaged("it inflates past its declared length");
        }

        int from = _writePos - (int)offset;
        if (offset >= length)
        {
            Buffer.BlockCopy(_out, from, _out, _writePos, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                _out[_writePos + i] = _out[from + i];
            }
        }

        _writePos += length;
        _produced += length;
    }

    private long ReadLength()
    {
        long result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            int b = NextByte();
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Damaged("its length is over-long");
    }

    private bool HaveInput()
    {
        if (_inPos < _inEnd)
        {
            return true;
        }

        _inPos = 0;
        _inEnd = _source.Read(_in, 0, _in.Length);
        return _inEnd > 0;
    }

    private int NextByte() => HaveInput() ? _in[_inPos++] : throw Damaged("it ends inside an element");

    private static ParquetPageException Damaged(string why) => new($"a Snappy page is damaged: {why}");
}
