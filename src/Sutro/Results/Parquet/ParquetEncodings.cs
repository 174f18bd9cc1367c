using System;
using System.Buffers.Binary;

namespace Sutro.Results.Parquet;

/// <summary>Variable-length values (text, binary) held one after another, with their start offsets.</summary>
internal sealed class ByteValues
{
    public byte[] Data = Array.Empty<byte>();
    public int[] Offsets = new int[1];
    public int Count;

    public void Clear()
    {
        Count = 0;
        Offsets[0] = 0;
    }

    public void Add(ReadOnlySpan<byte> value)
    {
        int end = Offsets[Count];
        if (Data.Length - end < value.Length)
        {
            Array.Resize(ref Data, (int)Math.Min(int.MaxValue - 64, Math.Max((long)end + value.Length, Data.Length * 2L)));
        }

        value.CopyTo(Data.AsSpan(end));
        if (Offsets.Length < Count + 2)
        {
            Array.Resize(ref Offsets, Math.Max(Count + 2, Offsets.Length * 2));
        }

        Offsets[++Count] = end + value.Length;
    }

    public ReadOnlySpan<byte> this[int index] => Data.AsSpan(Offsets[index], Offsets[index + 1] - Offsets[index]);
}

/// <summary>The Parquet encodings other than PLAIN, decoded from a page's bytes held whole.</summary>
internal static class ParquetEncodings
{
    public const int Plain = 0;
    public const int PlainDictionary = 2;
    public const int Rle = 3;
    public const int BitPacked = 4;
    public const int DeltaBinaryPacked = 5;
    public const int DeltaLengthByteArray = 6;
    public const int DeltaByteArray = 7;
    public const int RleDictionary = 8;
    public const int ByteStreamSplit = 9;

    public static int BitWidth(int maxValue) => maxValue == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxValue);

    /// <summary>Up to 57 bits starting at bit <paramref name="bit"/>, least significant first.</summary>
    private static ulong ReadBits(ReadOnlySpan<byte> source, long bit)
    {
        int first = (int)(bit >> 3);
        ulong word = 0;
        int take = Math.Min(8, source.Length - first);
        for (int b = 0; b < take; b++)
        {
            word |= (ulong)source[first + b] << (8 * b);
        }

        return word >> (int)(bit & 7);
    }

    private static ulong ReadWide(ReadOnlySpan<byte> source, long bit, int width)
    {
        if (width <= 56)
        {
            return width == 0 ? 0 : ReadBits(source, bit) & ((1UL << width) - 1);
        }

        ulong low = ReadBits(source, bit) & ((1UL << 32) - 1);
        ulong high = ReadBits(source, bit + 32) & ((1UL << (width - 32)) - 1);
        return low | (high << 32);
    }

    public static ulong ReadUleb(ReadOnlySpan<byte> source, ref int at)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= source.Length)
            {
                throw new ParquetPageException("a page ends inside a number");
            }

            byte b = source[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetPageException("a page holds an over-long number");
    }

    private static long ReadZigZag(ReadOnlySpan<byte> source, ref int at)
    {
        ulong value = ReadUleb(source, ref at);
        return (long)(value >> 1) ^ -(long)(value & 1);
    }

    /// <summary>
    /// DELTA_BINARY_PACKED: at most <paramref name="maxCount"/> values (32-bit columns wrap at 32 bits); returns
    /// the values and sets <paramref name="at"/> past them.
    /// </summary>
    public static long[] DecodeDeltaBinaryPacked(ReadOnlySpan<byte> source, ref int at, int maxCount, bool int32)
    {
        ulong blockSize = ReadUleb(source, ref at);
        ulong miniblocks = ReadUleb(source, ref at);
        ulong total = ReadUleb(source, ref at);
        long value = ReadZigZag(source, ref at);
        if (blockSize == 0 || blockSize % 128 != 0 || blockSize > 1 << 16 || miniblocks == 0 || blockSize % miniblocks != 0
            || (blockSize / miniblocks) % 32 != 0)
        {
            throw new ParquetPageException("a delta-encoded page has an impossible block layout");
        }

        if (total > (ulong)maxCount)
        {
            throw new ParquetPageException($"a delta-encoded page holds {total} values where {maxCount} belong");
        }

        var values = new long[(int)total];
        if (total == 0)
        {
            return values;
        }

        values[0] = value;
        int done = 1;
        int perMiniblock = (int)(blockSize / miniblocks);
        while (done < values.Length)
        {
            long minDelta = ReadZigZag(source, ref at);
            if (at + (int)miniblocks > source.Length)
            {
                throw new ParquetPageException("a delta-encoded page ends inside a block");
            }

            ReadOnlySpan<byte> widths = source.Slice(at, (int)miniblocks);
            at += (int)miniblocks;
            for (int m = 0; m < (int)miniblocks && done < values.Length; m++)
            {
                int width = widths[m];
                if (width > 64)
                {
                    throw new ParquetPageException($"a delta-encoded page declares a bit width of {width}");
                }

                int bytes = perMiniblock * width / 8;
                if (bytes > source.Length - at)
                {
                    throw new ParquetPageException("a delta-encoded page ends inside a block");
                }

                ReadOnlySpan<byte> packed = source.Slice(at, bytes);
                at += bytes;
                for (int i = 0; i < perMiniblock && done < values.Length; i++)
                {
                    long delta = unchecked(minDelta + (long)ReadWide(packed, (long)i * width, width));
                    value = unchecked(value + delta);
                    if (int32)
                    {
                        value = (int)value;
                    }

                    values[done++] = value;
                }
            }
        }

        return values;
    }

    /// <summary>DELTA_LENGTH_BYTE_ARRAY: <paramref name="count"/> values into <paramref name="target"/>.</summary>
    public static void DecodeDeltaLength(ReadOnlySpan<byte> source, int count, ByteValues target)
    {
        int at = 0;
        long[] lengths = DecodeDeltaBinaryPacked(source, ref at, count, int32: true);
        if (lengths.Length != count)
        {
            throw new ParquetPageException($"a delta-length page holds {lengths.Length} values where {count} belong");
        }

        target.Clear();
        foreach (long length in lengths)
        {
            if (length < 0 || length > source.Length - at)
            {
                throw new ParquetPageException("a delta-length page declares a value longer than its bytes");
            }

            target.Add(source.Slice(at, (int)length));
            at += (int)length;
        }
    }

    /// <summary>DELTA_BYTE_ARRAY (incremental): <paramref name="count"/> values into <paramref name="target"/>.</summary>
    public static void DecodeDeltaByteArray(ReadOnlySpan<byte> source, int count, ByteValues target)
    {
        int at = 0;
        long[] prefixes = DecodeDeltaBinaryPacked(source, ref at, count, int32: true);
        long[] suffixes = DecodeDeltaBinaryPacked(source, ref at, count, int32: true);
        if (prefixes.Length != count || suffixes.Length != count)
        {
            throw new ParquetPageException($"a delta page holds {Math.Min(prefixes.Length, suffixes.Length)} values where {count} belong");
        }

        target.Clear();
        byte[] scratch = Array.Empty<byte>();
        int previous = 0;
        for (int i = 0; i < count; i++)
        {
            long prefix = prefixes[i];
            long suffix = suffixes[i];
            if (prefix < 0 || prefix > previous || suffix < 0 || suffix > source.Length - at)
            {
                throw new ParquetPageException("a delta page declares a prefix or suffix beyond its bytes");
            }

            int length = (int)(prefix + suffix);
            if (scratch.Length < length)
            {
                Array.Resize(ref scratch, Math.Max(length, scratch.Length * 2));
            }

            source.Slice(at, (int)suffix).CopyTo(scratch.AsSpan((int)prefix));
            at += (int)suffix;
            target.Add(scratch.AsSpan(0, length));
            previous = length;
        }
    }

    public static int ReadInt32(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt32LittleEndian(source);
}
