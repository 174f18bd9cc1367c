using System;
using System.Linq;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Sutro.Results.Parquet;

/// <summary>
/// What to change in a Parquet footer: rename one top-level column (its schema element and the first entry of each of
/// its chunks' <c>path_in_schema</c>), leave out key-value entries, and set one key-value entry.
/// </summary>
internal sealed record FooterEdit
{
    public (string From, string To)? Rename { get; init; }

    /// <summary>Key-value entries to leave out (a set entry's own key is always replaced).</summary>
    public IReadOnlyList<string> DropKeys { get; init; } = Array.Empty<string>();

    public (string Key, string Value)? SetKey { get; init; }
}

/// <summary>
/// Rewrites a Parquet footer (parquet.thrift <c>FileMetaData</c> in the Thrift compact protocol) value by value,
/// changing only what a <see cref="FooterEdit"/> names and copying everything else as read. The data pages, which
/// hold no names and are addressed by offsets from the file's start, are untouched by any footer edit. One
/// mechanism for every footer edit the module makes: the results cache's column rename and the job id an export
/// records.
/// </summary>
internal static class ParquetFooterRewriter
{
    private const byte BoolTrue = 1, BoolFalse = 2, Int8 = 3, Int16 = 4, Int32 = 5, Int64 = 6, Double = 7, Binary = 8;
    private const byte List = 9, Set = 10, Map = 11, Struct = 12;
    private const int MaxDepth = 64;
    private const short KeyValueField = 5;

    /// <summary>The edited footer, and how many top-level columns were renamed.</summary>
    /// <exception cref="InvalidDataException">The footer is damaged or not what parquet.thrift describes.</exception>
    public static (byte[] Footer, int Renamed) Rewrite(byte[] footer, FooterEdit edit)
    {
        var rewriter = new Rewriter(footer, edit);
        try
        {
            rewriter.FileMetaData();
        }
        catch (IndexOutOfRangeException)
        {
            throw new InvalidDataException("The Parquet footer ends inside a value: the file is damaged.");
        }

        return (rewriter.Output, rewriter.Renamed);
    }

    /// <summary>Reads the footer and writes its copy, value by value; everything not renamed is copied as read.</summary>
    private sealed class Rewriter
    {
        private readonly byte[] _in;
        private readonly byte[]? _old;
        private readonly byte[]? _new;
        private readonly FooterEdit _edit;
        private readonly MemoryStream _out = new();
        private int _pos;

        public Rewriter(byte[] input, FooterEdit edit)
        {
            _in = input;
            _edit = edit;
            if (edit.Rename is var (from, to))
            {
                _old = Encoding.UTF8.GetBytes(from);
                _new = Encoding.UTF8.GetBytes(to);
            }
        }

        public int Renamed { get; private set; }

        public byte[] Output => _out.ToArray();

        /// <summary>FileMetaData: 2 schema, 4 row_groups, 5 key_value_metadata; the rest is copied.</summary>
        public void FileMetaData()
        {
            var insert = _edit.SetKey is null ? ((short, byte, Action)?)null : (KeyValueField, List, () => KeyValues(present: false));
            Walk(0, (id, type) =>
            {
                switch (id, type)
                {
                    case (2, List):
                        Schema();
                        return true;
                    case (4, List) when _old is not null:
                        Elements(element => CopyStruct(2, RowGroup));
                        return true;
                    case (KeyValueField, List):
                        KeyValues(present: true);
                        return true;
                    default:
                        return false;
                }
            }, copy: true, insert);

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

        /// <summary>
        /// The key-value list (KeyValue: 1 key, 2 value) without the entries the edit drops, with its entry set last;
        /// <paramref name="present"/> false writes a list of that one entry where the footer had none.
        /// </summary>
        private void KeyValues(bool present)
        {
            var kept = new List<(int Start, int End)>();
            if (present)
            {
                (int count, byte elements) = ReadListHeader();
                if (elements != Struct)
                {
                    throw new InvalidDataException("The Parquet key-value metadata is not a list of structs.");
                }

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
                    bool dropped = key is not null && (_edit.DropKeys.Contains(key) || key == _edit.SetKey?.Key);
                    if (!dropped)
                    {
                        kept.Add((start, _pos));
                    }
                }
            }

            WriteListHeader(kept.Count + (_edit.SetKey is null ? 0 : 1), Struct);
            foreach (var (start, end) in kept)
            {
                Emit(start, end);
            }

            if (_edit.SetKey is var (setKey, setValue))
            {
                short last = 0;
                WriteFieldHeader(1, Binary, ref last);
                WriteBinary(setKey);
                WriteFieldHeader(2, Binary, ref last);
                WriteBinary(setValue);
                _out.WriteByte(0);
            }
        }

        private void WriteBinary(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            WriteVarint((ulong)bytes.Length);
            _out.Write(bytes);
        }

        /// <summary>A field header in the compact protocol: the id as a delta from the last one when it fits, else whole.</summary>
        private void WriteFieldHeader(short id, byte type, ref short last)
        {
            int delta = id - last;
            if (delta is > 0 and <= 15)
            {
                _out.WriteByte((byte)((delta << 4) | type));
            }
            else
            {
                _out.WriteByte(type);
                WriteVarint((ulong)(ushort)((id << 1) ^ (id >> 15)));
            }

            last = id;
        }

        /// <summary>A string; written renamed when it is the old name.</summary>
        private void RenameString(bool count = true)
        {
            int start = _pos;
            ReadOnlySpan<byte> value = ReadBinary();
            if (_old is not null && _new is not null && value.SequenceEqual(_old))
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

        /// <param name="insert">A field written in id order when the struct has none of that id (its writer writes the value).</param>
        private void Walk(int depth, Func<short, byte, bool>? special, bool copy, (short Id, byte Type, Action Write)? insert = null)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidDataException("The Parquet footer nests too deeply.");
            }

            short last = 0;
            short written = 0;
            bool inserted = insert is null;
            while (true)
            {
                byte header = _in[_pos++];
                if (header == 0)
                {
                    if (copy)
                    {
                        if (!inserted)
                        {
                            WriteFieldHeader(insert!.Value.Id, insert.Value.Type, ref written);
                            insert.Value.Write();
                        }

                        _out.WriteByte(0);
                    }

                    return;
                }

                byte type = (byte)(header & 0x0F);
                int delta = header >> 4;
                short id = delta == 0 ? (short)ZigZag(ReadVarint()) : (short)(last + delta);
                last = id;
                if (copy)
                {
                    if (!inserted && id >= insert!.Value.Id)
                    {
                        inserted = true;
                        if (id != insert.Value.Id)
                        {
                            WriteFieldHeader(insert.Value.Id, insert.Value.Type, ref written);
                            insert.Value.Write();
                        }
                    }

                    // Headers are written anew, as deltas from the last field written, so a field put in between
                    // keeps the ids of those after it.
                    WriteFieldHeader(id, type, ref written);
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
