using System;

namespace Sutro.Results.Parquet;

/// <summary>
/// Decodes the RLE / bit-packed hybrid encoding (levels, dictionary indices, RLE booleans) one value at a time
/// from bytes held by the caller, so a page's levels and indices never become an array of their own: memory stays
/// the page's encoded bytes, whatever its number of values. Also reads the deprecated BIT_PACKED levels
/// (most significant bit first, no run headers). Every run is checked against the bytes it has.
/// </summary>
internal sealed class HybridDecoder
{
    private byte[] _source = Array.Empty<byte>();
    private int _at;
    private int _end;
    private int _width;
    private bool _msbFirst;
    private long _runLeft;
    private bool _repeated;
    private int _value;
    private long _bit;
    private long _bitEnd;

    /// <summary>Starts decoding <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="source"/>.</summary>
    public void Reset(byte[] source, int offset, int length, int bitWidth, bool msbFirst = false)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new ParquetPageException($"a page declares a bit width of {bitWidth}");
        }

        _source = source;
        _at = offset;
        _end = offset + length;
        _width = bitWidth;
        _msbFirst = msbFirst;
        _runLeft = 0;
        _bit = (long)offset * 8;
        _bitEnd = (long)_end * 8;
    }

    public int Next()
    {
        if (_msbFirst)
        {
            return NextMsbFirst();
        }

        if (_runLeft == 0)
        {
            StartRun();
        }

        _runLeft--;
        if (_repeated)
        {
            return _value;
        }

        int value = (int)(ReadBits(_bit) & ((1UL << _width) - 1));
        _bit += _width;
        return value;
    }

    /// <summary>
    /// Counts, over the next <paramref name="count"/> values, those equal to <paramref name="counted"/>; fails on
    /// one above <paramref name="max"/>.
    /// </summary>
    public int Count(int count, int max, int counted, string what)
    {
        int found = 0;
        for (int i = 0; i < count; i++)
        {
            int level = Next();
            if ((uint)level > (uint)max)
            {
                throw new ParquetPageException($"a page holds {what} level {level} in a column whose highest is {max}");
            }

            found += level == counted ? 1 : 0;
        }

        return found;
    }

    private void StartRun()
    {
        ulong header = ReadUleb();
        if ((header & 1) == 0)
        {
            long run = (long)(header >> 1);
            int bytes = (_width + 7) / 8;
            if (run == 0 || _at + bytes > _end)
            {
                throw new ParquetPageException("a run of repeated values is damaged");
            }

            int value = 0;
            for (int i = 0; i < bytes; i++)
            {
                value |= _source[_at + i] << (8 * i);
            }

            _at += bytes;
            _repeated = true;
            _value = value;
            _runLeft = run;
        }
        else
        {
            long groups = (long)(header >> 1);
            long bytes = groups * _width;
            if (groups == 0 || bytes > _end - _at)
            {
                throw new ParquetPageException("a run of bit-packed values runs past the end of its page");
            }

            _repeated = false;
            _bit = (long)_at * 8;
            _at += (int)bytes;
            _runLeft = groups * 8;
        }
    }

    private int NextMsbFirst()
    {
        if (_bit + _width > _bitEnd)
        {
            throw new ParquetPageException("a run of bit-packed levels runs past the end of its page");
        }

        int value = 0;
        for (int b = 0; b < _width; b++, _bit++)
        {
            value = (value << 1) | ((_source[(int)(_bit >> 3)] >> (7 - (int)(_bit & 7))) & 1);
        }

        return value;
    }

    /// <summary>Up to 57 bits from bit <paramref name="bit"/>, least significant first, within the source's end.</summary>
    private ulong ReadBits(long bit)
    {
        int first = (int)(bit >> 3);
        ulong word = 0;
        int take = Math.Min(8, _end - first);
        for (int b = 0; b < take; b++)
        {
            word |= (ulong)_source[first + b] << (8 * b);
        }

        return word >> (int)(bit & 7);
    }

    private ulong ReadUleb()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_at >= _end)
            {
                throw new ParquetPageException("a page ends inside a number");
            }

            byte b = _source[_at++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetPageException("a page holds an over-long number");
    }
}
