using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Sutro.Cache;

/// <summary>
/// Copies a Parquet file with one top-level column renamed, by rewriting only its footer (the Thrift
/// compact-protocol FileMetaData): the column's schema element and the first entry of each of its chunks'
/// <c>path_in_schema</c>. The data pages, which hold no names and are addressed by offsets from the file's
/// start, are copied byte for byte. The key-value entries that repeat the schema with the old name
/// (<c>ARROW:schema</c>, <c>pandas</c>) are left out, so readers take the names from the Parquet schema.
/// </summary>
internal static class ParquetColumnRename
{
    private const byte BoolTrue = 1, BoolFalse = 2, Int8 = 3, Int16 = 4, Int32 = 5, Int64 = 6, Double = 7, Binary = 8;
    private const byte List = 9, Set = 10, Map = 11, Struct = 12;
    private const int MaxDepth = 64;
    private static readonly string[] SchemaCopies = { "ARROW:schema", "pandas" };

    /// <summary>Writes <paramref name="source"/> to <paramref name="destination"/> with the column renamed.</summary>
    /// <exception cref="InvalidDataException">The file is not plain Parquet or its footer cannot be rewritten.</exception>
    public static void Copy(string source, Stream destination, string oldName, string newName)
    {
        using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        long length = file.Length;
        if (length < 12)
        {
            throw new InvalidDataException("The file is too short to be Parquet.");
        }

        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual("PAR1"u8))
        {
            throw new InvalidDataException("The file does not end with the Parquet magic (an encrypted or damaged file).");
        }

        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
        {
            throw new InvalidDataException("The Parquet footer length does not fit in the file.");
        }

        byte[] footer = new byte[footerLength];
        file.Seek(-8 - footerLength, SeekOrigin.End);
        file.ReadExactly(footer);
        byte[] renamed = RenameFooter(footer, oldName, newName);

        file.Seek(0, SeekOrigin.Begin);
        CopyBytes(file, destination, length - 8 - footerLength);
        destination.Write(renamed);
        Span<byte> end = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(end, renamed.Length);
        "PAR1"u8.CopyTo(end[4..]);
        destination.Write(end);
    }

    /// <summary>The footer (FileMetaData) with the top-level column <paramref name="oldName"/> renamed.</summary>
    internal static byte[] RenameFooter(byte[] footer, string oldName, string newName)
    {
        var rewriter = new Rewriter(footer, Encoding.UTF8.GetBytes(oldName), Encoding.UTF8.GetBytes(newName));
        try
        {
            rewriter.FileMetaData();
        }
        catch (IndexOutOfRangeException)
        {
            throw new InvalidDataException("The Parquet footer ends inside a value: the file is damaged.");
        }

        if (rewriter.Renamed != 1)
        {
            throw new InvalidDataException($"The Parquet schema has {rewriter.Renamed} top-level columns named '{oldName}', not one.");
        }

        return rewriter.Output;
    }

    private static void CopyBytes(Stream from, Stream to, long count)
    {
        byte[] buffer = new byte[81920];
        while (count > 0)
        {
            int read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0)
            {
                throw new EndOfStreamException("The Parquet file ended before its footer.");
            }

            to.Write(buffer, 0, read);
            count -= read;
        }
    }

    /// <summary>Reads the footer and writes its copy, value by value; everything not renamed is copied as read.</summary>
    private sealed class Rewriter
    {
        private readonly byte[] _in;
        private readonly byte[] _old;
        private readonly byte[] _new;
        private readonly MemoryStream _out = new();
        private int _pos;

        public Rewriter(byte[] input, byte[] oldName, byte[] newName)
        {
            _in = input;
            _old = oldName;
            _new = newName;
        }

        public int Renamed { get; private set; }

        public byte[] Output => _out.ToArray();

        /// <summary>FileMetaData: 2 schema, 4 row_groups, 5 key_value_metadata; the rest is copied.</summary>
        public void FileMetaData()
        {
            CopyStruct(0, (id, type) =>
            {
                switch (id, type)
                {
                    case (2, List):
                        Schema();
                        return true;
                    case (4, List):
                        Elements(element => CopyStruct(2, RowGroup));
                        return true;
                    case (5, List):
                        KeyValues();
                        return true;
                    default:
                        return false;
                }
            });

            // Nothing follows the struct in a well-formed footer; whatever does is kept.
            Emit(_pos, _in.Length);
        }

        /// <summary>
        /// The schema elements, depth first: element 0 is the root, and an element is a top-level column when only
        /// the root's children are open. SchemaElement: 4 name, 5 num_children.
        /// </summary>
        private void Schema()
        {
            var open = new Stack<int>();
            Elements(element =>
            {
                bool topLevel = open.Count == 1;
                int children = 0;
                CopyStruct(2, (id, type) =>
                {
                    if (id == 4 && type == Binary && topLevel)
                    {
                        RenameString();
                        return true;
                    }

                    if (id == 5 && type == Int32)
                    {
                        int start = _pos;
                        children = (int)ZigZag(ReadVarint());
                        Emit(start, _pos);
                        return true;
                    }

                    return false;
                });

                if (open.Count > 0)
                {
                    open.Push(open.Pop() - 1);
                }

                if (children > 0)
                {
                    open.Push(children);
                }

                while (open.Count > 0 && open.Peek() <= 0)
                {
                    open.Pop();
                }
            });
        }

        /// <summary>RowGroup: 1 columns (ColumnChunk: 3 meta_data, ColumnMetaData: 3 path_in_schema).</summary>
        private bool RowGroup(short id, byte type)
        {
            if (id != 1 || type != List)
            {
                return false;
            }

            Elements(chunk => CopyStruct(3, (chunkField, chunkType) =>
            {
                if (chunkField != 3 || chunkType != Struct)
                {
                    return false;
                }

                CopyStruct(4, (metaField, metaType) =>
                {
                    if (metaField != 3 || metaType != List)
                    {
                        return false;
                    }

                    int start = _pos;
                    (int count, byte elements) = ReadListHeader();
                    Emit(start, _pos);
                    for (int i = 0; i < count; i++)
                    {
                        if (i == 0 && elements == Binary)
                        {
                            RenameString(count: false);
                        }
                        else
                        {
                            CopyElement(elements, 5);
                        }
                    }

                    return true;
                });
                return true;
            }));
            return true;
        }

        /// <summary>The key-value list without the entries that repeat the schema (KeyValue: 1 key).</summary>
        private void KeyValues()
        {
            (int count, byte elements) = ReadListHeader();
            if (elements != Struct)
            {
                throw new InvalidDataException("The Parquet key-value metadata is not a list of structs.");
            }

            var kept = new List<(int Start, int End)>();
            for (int i = 0; i < count; i++)
            {
                int start = _pos;
                string? key = null;
                ReadStruct(1, (id, type) =>
                {
                    if (id == 1 && type == Binary)
                    {
                        key = Encoding.UTF8.GetString(ReadBinary());
                        return true;
                    }

                    return false;
                });
                if (Array.IndexOf(SchemaCopies, key) < 0)
                {
                    kept.Add((start, _pos));
                }
            }

            WriteListHeader(kept.Count, Struct);
            foreach (var (start, end) in kept)
            {
                Emit(start, end);
            }
        }

        /// <summary>A string; written renamed when it is the old name.</summary>
        private void RenameString(bool count = true)
        {
            int start = _pos;
            ReadOnlySpan<byte> value = ReadBinary();
            if (value.SequenceEqual(_old))
            {
                WriteVarint((ulong)_new.Length);
                _out.Write(_new);
                if (count)
                {
                    Renamed++;
                }
            }
            else
            {
                Emit(start, _pos);
            }
        }

        private void Elements(Action<int> element)
        {
            int start = _pos;
            (int count, byte type) = ReadListHeader();
            if (type != Struct)
            {
                throw new InvalidDataException("A Parquet footer list holds no structs where structs belong.");
            }

            Emit(start, _pos);
            for (int i = 0; i < count; i++)
            {
                element(i);
            }
        }

        /// <summary>Copies a struct; <paramref name="special"/> may take a field's value (and write it) instead.</summary>
        private void CopyStruct(int depth, Func<short, byte, bool>? special) => Walk(depth, special, copy: true);

        /// <summary>Reads a struct without writing it.</summary>
        private void ReadStruct(int depth, Func<short, byte, bool>? special) => Walk(depth, special, copy: false);

        private void Walk(int depth, Func<short, byte, bool>? special, bool copy)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidDataException("The Parquet footer nests too deeply.");
            }

            short last = 0;
            while (true)
            {
                int start = _pos;
                byte header = _in[_pos++];
                if (header == 0)
                {
                    if (copy)
                    {
                        Emit(start, _pos);
                    }

                    return;
                }

                byte type = (byte)(header & 0x0F);
                int delta = header >> 4;
                short id = delta == 0 ? (short)ZigZag(ReadVarint()) : (short)(last + delta);
                last = id;
                if (copy)
                {
                    Emit(start, _pos);
                }

                if (special is null || !special(id, type))
                {
                    int value = _pos;
                    Skip(type, depth + 1);
                    if (copy)
                    {
                        Emit(value, _pos);
                    }
                }
            }
        }

        private void CopyElement(byte type, int depth)
        {
            int start = _pos;
            SkipElement(type, depth);
            Emit(start, _pos);
        }

        private void SkipElement(byte type, int depth)
        {
            if (type is BoolTrue or BoolFalse)
            {
                _pos++;
                return;
            }

            Skip(type, depth);
        }

        private void Skip(byte type, int depth)
        {
            switch (type)
            {
                case BoolTrue or BoolFalse:
                    return;
                case Int8:
                    _pos++;
                    return;
                case Int16 or Int32 or Int64:
                    ReadVarint();
                    return;
                case Double:
                    Advance(8);
                    return;
                case Binary:
                    ReadBinary();
                    return;
                case List or Set:
                    (int count, byte elements) = ReadListHeader();
                    for (int i = 0; i < count; i++)
                    {
                        SkipElement(elements, depth + 1);
                    }

                    return;
                case Map:
                    int entries = checked((int)ReadVarint());
                    if (entries > 0)
                    {
                        byte kinds = _in[_pos++];
                        for (int i = 0; i < entries; i++)
                        {
                            SkipElement((byte)(kinds >> 4), depth + 1);
                            SkipElement((byte)(kinds & 0x0F), depth + 1);
                        }
                    }

                    return;
                case Struct:
                    ReadStruct(depth + 1, null);
                    return;
                default:
                    throw new InvalidDataException($"The Parquet footer holds an unknown Thrift type {type}.");
            }
        }

        private (int Count, byte Type) ReadListHeader()
        {
            byte header = _in[_pos++];
            int count = header >> 4;
            if (count == 15)
            {
                count = checked((int)ReadVarint());
            }

            if (count > _in.Length - _pos)
            {
                throw new InvalidDataException("A Parquet footer list claims more elements than the footer holds.");
            }

            return (count, (byte)(header & 0x0F));
        }

        private void WriteListHeader(int count, byte type)
        {
            if (count < 15)
            {
                _out.WriteByte((byte)((count << 4) | type));
            }
            else
            {
                _out.WriteByte((byte)(0xF0 | type));
                WriteVarint((ulong)count);
            }
        }

        private ReadOnlySpan<byte> ReadBinary()
        {
            int length = checked((int)ReadVarint());
            int start = _pos;
            Advance(length);
            return _in.AsSpan(start, length);
        }

        private void Advance(int count)
        {
            if (count < 0 || count > _in.Length - _pos)
            {
                throw new IndexOutOfRangeException();
            }

            _pos += count;
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = _in[_pos++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("A Parquet footer number is longer than ten bytes.");
        }

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _out.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _out.WriteByte((byte)value);
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

        private void Emit(int start, int end) => _out.Write(_in, start, end - start);
    }
}
