using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Sutro.Export;

/// <summary>
/// Records the job id in a saved Parquet file's key-value metadata (<c>sutro.job_id</c>), so Import-SutroJobResult
/// gives the rows their JobId whatever the file is named. Only the footer is rewritten: the data pages stay byte for
/// byte as the server sent them. The footer (parquet.thrift <c>FileMetaData</c>, Thrift compact protocol) is copied
/// field by field; field 5, <c>key_value_metadata</c>, gets the entry (replacing an earlier one of the same key).
/// </summary>
internal static class ParquetJobStamp
{
    /// <summary>The metadata key that names the job.</summary>
    public const string Key = "sutro.job_id";

    private const int KeyValueMetadataField = 5;
    private const int StructType = 12;
    private const int ListType = 9;
    private const int BinaryType = 8;
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Stamps <paramref name="path"/>; false (the file untouched) for a file with an encrypted footer.</summary>
    public static bool Stamp(string path, string jobId)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(Magic))
        {
            return false;
        }

        int length = BitConverter.ToInt32(tail[..4]);
        long start = file.Length - 8 - length;
        if (length <= 0 || start < 4)
        {
            throw new InvalidDataException("the Parquet footer length is out of range");
        }

        byte[] footer = new byte[length];
        file.Seek(start, SeekOrigin.Begin);
        file.ReadExactly(footer);
        byte[] stamped = Rewrite(footer, jobId);
        file.SetLength(start);
        file.Seek(start, SeekOrigin.Begin);
        file.Write(stamped);
        file.Write(BitConverter.GetBytes(stamped.Length));
        file.Write(Magic);
        return true;
    }

    /// <summary>The footer with the entry added to (or replaced in) its key-value metadata.</summary>
    internal static byte[] Rewrite(byte[] footer, string jobId)
    {
        var reader = new CompactReader(footer);
        var output = new MemoryStream(footer.Length + 64);
        short last = 0;
        bool written = false;
        short field = 0;
        while (true)
        {
            int header = reader.Byte();
            if (header == 0)
            {
                break;
            }

            int type = header & 0x0F;
            field = reader.FieldId(header, field);
            int valueStart = reader.Position;
            reader.Skip(type, 0);
            var value = footer.AsSpan(valueStart, reader.Position - valueStart);
            if (field == KeyValueMetadataField && type == ListType)
            {
                WriteHeader(output, KeyValueMetadataField, ListType, ref last);
                WriteEntries(output, Entries(value), jobId);
                written = true;
                continue;
            }

            if (!written && field > KeyValueMetadataField)
            {
                WriteHeader(output, KeyValueMetadataField, ListType, ref last);
                WriteEntries(output, new List<byte[]>(), jobId);
                written = true;
            }

            WriteHeader(output, field, type, ref last);
            output.Write(value);
        }

        if (!written)
        {
            WriteHeader(output, KeyValueMetadataField, ListType, ref last);
            WriteEntries(output, new List<byte[]>(), jobId);
        }

        output.WriteByte(0);
        return output.ToArray();
    }

    /// <summary>The encoded KeyValue structs of a key_value_metadata list, without any earlier entry of <see cref="Key"/>.</summary>
    private static List<byte[]> Entries(ReadOnlySpan<byte> list)
    {
        byte[] bytes = list.ToArray();
        var reader = new CompactReader(bytes);
        int header = reader.Byte();
        long count = header >> 4 == 15 ? (long)reader.Varint() : header >> 4;
        if ((header & 0x0F) != StructType)
        {
            throw new InvalidDataException("the Parquet key_value_metadata is not a list of structs");
        }

        var entries = new List<byte[]>();
        for (long i = 0; i < count; i++)
        {
            int start = reader.Position;
            string? key = reader.KeyOfKeyValue();
            if (key != Key)
            {
                entries.Add(bytes[start..reader.Position]);
            }
        }

        return entries;
    }

    private static void WriteEntries(Stream output, List<byte[]> entries, string jobId)
    {
        int count = entries.Count + 1;
        if (count < 15)
        {
            output.WriteByte((byte)((count << 4) | StructType));
        }
        else
        {
            output.WriteByte(0xF0 | StructType);
            WriteVarint(output, (ulong)count);
        }

        foreach (byte[] entry in entries)
        {
            output.Write(entry);
        }

        short last = 0;
        WriteHeader(output, 1, BinaryType, ref last);
        WriteBinary(output, Key);
        WriteHeader(output, 2, BinaryType, ref last);
        WriteBinary(output, jobId);
        output.WriteByte(0);
    }

    private static void WriteHeader(Stream output, short field, int type, ref short last)
    {
        int delta = field - last;
        if (delta is > 0 and <= 15)
        {
            output.WriteByte((byte)((delta << 4) | type));
        }
        else
        {
            output.WriteByte((byte)type);
            WriteVarint(output, (ulong)((field << 1) ^ (field >> 15)) & 0xFFFF);
        }

        last = field;
    }

    private static void WriteBinary(Stream output, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }

    /// <summary>A forward reader of Thrift compact bytes that can skip any value.</summary>
    private sealed class CompactReader
    {
        private readonly byte[] _bytes;

        public CompactReader(byte[] bytes) => _bytes = bytes;

        public int Position { get; private set; }

        public int Byte() => Position < _bytes.Length
            ? _bytes[Position++]
            : throw new InvalidDataException("the Parquet footer ends in the middle of a value");

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = Byte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new InvalidDataException("the Parquet footer holds a malformed number");
        }

        public short FieldId(int header, short last)
        {
            int delta = header >> 4;
            if (delta != 0)
            {
                return (short)(last + delta);
            }

            ulong raw = Varint();
            return (short)((long)(raw >> 1) ^ -(long)(raw & 1));
        }

        /// <summary>Reads one KeyValue struct and returns its key.</summary>
        public string? KeyOfKeyValue()
        {
            string? key = null;
            short field = 0;
            while (true)
            {
                int header = Byte();
                if (header == 0)
                {
                    return key;
                }

                int type = header & 0x0F;
                field = FieldId(header, field);
                if (field == 1 && type == BinaryType)
                {
                    int length = Length(Varint());
                    key = Encoding.UTF8.GetString(_bytes, Position, length);
                    Position += length;
                }
                else
                {
                    Skip(type, 1);
                }
            }
        }

        public void Skip(int type, int depth)
        {
            if (depth > 64)
            {
                throw new InvalidDataException("the Parquet footer is nested too deeply");
            }

            switch (type)
            {
                case 1:
                case 2:
                    break;
                case 3:
                    Byte();
                    break;
                case 4:
                case 5:
                case 6:
                    Varint();
                    break;
                case 7:
                    Advance(8);
                    break;
                case 8:
                    Advance(Length(Varint()));
                    break;
                case 9:
                case 10:
                    {
                        int header = Byte();
                        long count = header >> 4 == 15 ? Length(Varint()) : header >> 4;
                        for (long i = 0; i < count; i++)
                        {
                            if ((header & 0x0F) is 1 or 2)
                            {
                                Byte();
                            }
                            else
                            {
                                Skip(header & 0x0F, depth + 1);
                            }
                        }

                        break;
                    }

                case 11:
                    {
                        long count = Length(Varint());
                        if (count > 0)
                        {
                            int types = Byte();
                            for (long i = 0; i < count; i++)
                            {
                                Skip(types >> 4, depth + 1);
                                Skip(types & 0x0F, depth + 1);
                            }
                        }

                        break;
                    }

                case 12:
                    {
                        short field = 0;
                        while (true)
                        {
                            int header = Byte();
                            if (header == 0)
                            {
                                break;
                            }

                            field = FieldId(header, field);
                            Skip(header & 0x0F, depth + 1);
                        }

                        break;
                    }

                default:
                    throw new InvalidDataException($"the Parquet footer holds an unknown Thrift type {type}");
            }
        }

        private int Length(ulong value) => value <= (ulong)(_bytes.Length - Position)
            ? (int)value
            : throw new InvalidDataException("the Parquet footer declares a length beyond its end");

        private void Advance(int count)
        {
            if (count > _bytes.Length - Position)
            {
                throw new InvalidDataException("the Parquet footer ends in the middle of a value");
            }

            Position += count;
        }
    }
}
