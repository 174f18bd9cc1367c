using System;
using System.Buffers.Binary;
using System.IO;

namespace Sutro.Results;

/// <summary>
/// Checks a Parquet file's footer before Parquet.Net parses it: the magic at both ends, a footer length
/// inside the file, a Thrift compact-protocol struct that ends within that length (every count bounded
/// by the bytes left), and, for every column chunk, offsets and sizes inside the file and a plausible
/// row count per row group. Parquet.Net can spin forever on such damage, or allocate what a hostile
/// footer claims; this walk is bounded by the footer's size and depth.
/// </summary>
internal static class ParquetFooterCheck
{
    private const int MaxDepth = 64;

    public static void Validate(Stream file)
    {
        long length = file.Length;
        if (length < 12)
        {
            throw new ResultDecodeException($"The Parquet results are too short to be a Parquet file ({length} bytes).");
        }

        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (tail[4..].SequenceEqual("PARE"u8))
        {
            throw new ResultDecodeException("The Parquet results are encrypted (Parquet modular encryption, 'PARE' footer), which this module cannot read: ask for the results without encryption.");
        }

        if (!tail[4..].SequenceEqual("PAR1"u8))
        {
            throw new ResultDecodeException("The Parquet results end without the 'PAR1' footer magic: the file is truncated or not Parquet.");
        }

        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
        {
            throw new ResultDecodeException($"The Parquet footer claims {footerLength} bytes, which does not fit in a {length}-byte file: the file is damaged.");
        }

        byte[] footer = new byte[footerLength];
        file.Seek(-8 - footerLength, SeekOrigin.End);
        file.ReadExactly(footer);
        file.Seek(0, SeekOrigin.Begin);
        var walker = new ThriftWalker(footer);
        try
        {
            walker.SkipStruct(0);
        }
        catch (IndexOutOfRangeException)
        {
            throw Damaged();
        }

        walker.CheckShape();
        CheckRowGroups(walker.RowGroups, length - 8 - footerLength, length);
    }

    /// <summary>Rows a row group may claim: generous for real results, far below what would exhaust memory.</summary>
    internal static long MaxRows(long fileLength) => Math.Min(int.MaxValue, Math.Max(1L << 20, fileLength * 64));

    private static void CheckRowGroups(System.Collections.Generic.List<RowGroupInfo> groups, long dataEnd, long fileLength)
    {
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (!group.HasRows || group.Columns.Count == 0 || group.Columns.Count != groups[0].Columns.Count)
            {
                throw new ResultDecodeException($"The Parquet footer describes row group {g} without its row count or columns: the file is damaged.");
            }

            if (group.Rows < 0 || group.Rows > MaxRows(fileLength))
            {
                throw new ResultDecodeException($"The Parquet footer claims {group.Rows} rows in row group {g} of a {fileLength}-byte file: the file is damaged or hostile.");
            }

            // A row group of no rows has no pages to read (writers leave its chunks' offsets at 0).
            foreach (var column in group.Rows == 0 ? [] : group.Columns)
            {
                long start = column.DictionaryOffset > 0 ? Math.Min(column.DictionaryOffset, column.DataOffset) : column.DataOffset;
                if (start < 4 || column.DataOffset < 4 || column.DataOffset >= dataEnd || column.DictionaryOffset >= dataEnd
                    || column.CompressedSize < 0 || start + column.CompressedSize > dataEnd)
                {
                    throw new ResultDecodeException($"The Parquet footer places a column of row group {g} outside the file (offset {start}, {column.CompressedSize} bytes, data ends at {dataEnd}): the file is damaged.");
                }

                if (column.UncompressedSize < 0 || column.UncompressedSize > Math.Max(64L << 20, column.CompressedSize * 1000))
                {
                    throw new ResultDecodeException($"The Parquet footer claims a column of row group {g} inflates from {column.CompressedSize} to {column.UncompressedSize} bytes: the file is damaged or hostile.");
                }
            }
        }
    }

    internal sealed class RowGroupInfo
    {
        public long Rows { get; set; }

        public bool HasRows { get; set; }

        public System.Collections.Generic.List<ColumnInfo> Columns { get; } = new();
    }

    internal sealed class ColumnInfo
    {
        public long DataOffset { get; set; } = -1;

        public long DictionaryOffset { get; set; }

        public long CompressedSize { get; set; } = -1;

        public long UncompressedSize { get; set; }
    }

    private static ResultDecodeException Damaged() =>
        new("The Parquet footer (the file's metadata) is damaged: it does not parse within its length.");

    /// <summary>
    /// Walks Thrift compact-protocol values, failing on anything that runs past the buffer, and
    /// collects FileMetaData.row_groups[].num_rows and columns[].meta_data offsets and sizes.
    /// </summary>
    private ref struct ThriftWalker
    {
        // Where a struct sits: the FileMetaData, a RowGroup, a ColumnChunk, its ColumnMetaData, or other.
        private enum Place
        {
            Other,
            File,
            RowGroup,
            ColumnChunk,
            ColumnMeta,
            SchemaElement,
        }

        // Compact-protocol types of the fields Parquet.Net relies on (parquet.thrift); a field of another
        // type means the footer is damaged. 5 = i32, 6 = i64, 8 = binary, 9 = list, 12 = struct.
        private static int ExpectedType(Place place, short field) => (place, field) switch
        {
            (Place.File, 1) => 5,
            (Place.File, 2) => 9,
            (Place.File, 3) => 6,
            (Place.File, 4) => 9,
            (Place.RowGroup, 1) => 9,
            (Place.RowGroup, 2) => 6,
            (Place.RowGroup, 3) => 6,
            (Place.ColumnChunk, 2) => 6,
            (Place.ColumnChunk, 3) => 12,
            (Place.ColumnMeta, 1) => 5,
            (Place.ColumnMeta, 2) => 9,
            (Place.ColumnMeta, 3) => 9,
            (Place.ColumnMeta, 4) => 5,
            (Place.ColumnMeta, >= 5 and <= 7) => 6,
            (Place.ColumnMeta, 9) => 6,
            (Place.ColumnMeta, 11) => 6,
            (Place.SchemaElement, >= 1 and <= 3) => 5,
            (Place.SchemaElement, 4) => 8,
            (Place.SchemaElement, >= 5 and <= 9) => 5,
            _ => -1,
        };

        // Fields that must be there, by place, as bits of the field id.
        private static int RequiredFields(Place place) => place switch
        {
            Place.File => (1 << 2) | (1 << 3) | (1 << 4),
            Place.RowGroup => (1 << 1) | (1 << 3),
            Place.ColumnMeta => (1 << 1) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 9),
            Place.SchemaElement => 1 << 4,
            _ => 0,
        };

        private readonly ReadOnlySpan<byte> _data;
        private int _at;

        public ThriftWalker(ReadOnlySpan<byte> data)
        {
            _data = data;
            _at = 0;
            RowGroups = new();
            SchemaChildren = new();
        }

        public System.Collections.Generic.List<RowGroupInfo> RowGroups { get; }

        /// <summary>Each schema element's num_children, or -1 for a leaf.</summary>
        public System.Collections.Generic.List<long> SchemaChildren { get; }

        /// <summary>The schema list must describe one tree (the root and its descendants) exactly.</summary>
        public readonly void CheckShape()
        {
            if (SchemaChildren.Count == 0 || SchemaChildren[0] < 0)
            {
                throw Damaged();
            }

            // Walk the flattened tree: each element with children claims the next ones.
            var pending = new System.Collections.Generic.Stack<long>();
            int index = 0;
            pending.Push(1);
            while (pending.Count > 0)
            {
                long left = pending.Pop();
                if (left == 0)
                {
                    continue;
                }

                pending.Push(left - 1);
                if (index >= SchemaChildren.Count || pending.Count > MaxDepth)
                {
                    throw Damaged();
                }

                long children = SchemaChildren[index++];
                if (children > 0)
                {
                    pending.Push(children);
                }
            }

            if (index != SchemaChildren.Count)
            {
                throw Damaged();
            }
        }

        public void SkipStruct(int depth) => WalkStruct(depth, Place.File);

        private void WalkStruct(int depth, Place place)
        {
            if (depth > MaxDepth)
            {
                throw Damaged();
            }

            if (place == Place.SchemaElement)
            {
                SchemaChildren.Add(-1);
            }

            int seen = 0;
            short field = 0;
            while (true)
            {
                byte header = _data[_at++];
                if (header == 0)
                {
                    int required = RequiredFields(place);
                    if ((seen & required) != required)
                    {
                        throw Damaged();
                    }

                    return;
                }

                field = (header >> 4) == 0 ? (short)ZigZag(ReadVarint()) : (short)(field + (header >> 4));
                int type = header & 0x0F;
                int expected = ExpectedType(place, field);
                if (expected >= 0 && expected != type)
                {
                    throw Damaged();
                }

                if (field is > 0 and < 31)
                {
                    seen |= 1 << field;
                }

                if (type is 5 or 6 && (place is Place.RowGroup or Place.ColumnMeta or Place.SchemaElement))
                {
                    Record(place, field, ZigZag(ReadVarint()));
                    continue;
                }

                Place inner = (place, field) switch
                {
                    (Place.File, 2) => Place.SchemaElement,   // schema: list<SchemaElement>
                    (Place.File, 4) => Place.RowGroup,       // row_groups: list<RowGroup>
                    (Place.RowGroup, 1) => Place.ColumnChunk, // columns: list<ColumnChunk>
                    (Place.ColumnChunk, 3) => Place.ColumnMeta, // meta_data
                    _ => Place.Other,
                };
                SkipValue(type, depth, inCollection: false, inner);
            }
        }

        private void Record(Place place, short field, long value)
        {
            if (place == Place.SchemaElement)
            {
                if (field == 5)
                {
                    SchemaChildren[^1] = value < 0 ? throw Damaged() : value; // num_children
                }

                return;
            }

            // A struct where a list was expected has no entry to record into: the shape is wrong.
            if (RowGroups.Count == 0 || (place == Place.ColumnMeta && RowGroups[^1].Columns.Count == 0))
            {
                throw Damaged();
            }

            if (place == Place.RowGroup)
            {
                if (field == 3)
                {
                    RowGroups[^1].Rows = value; // num_rows
                    RowGroups[^1].HasRows = true;
                }

                return;
            }

            var column = RowGroups[^1].Columns[^1];
            switch (field)
            {
                case 6: column.UncompressedSize = value; break;   // total_uncompressed_size
                case 7: column.CompressedSize = value; break;     // total_compressed_size
                case 9: column.DataOffset = value; break;         // data_page_offset
                case 11: column.DictionaryOffset = value; break;  // dictionary_page_offset
            }
        }

        private void SkipValue(int type, int depth, bool inCollection, Place place = Place.Other)
        {
            switch (type)
            {
                case 1:
                case 2:
                    if (inCollection)
                    {
                        _at++; // a boolean element takes a byte; a boolean field lives in its header
                    }

                    break;
                case 3:
                    _at++;
                    break;
                case 4:
                case 5:
                case 6:
                    ReadVarint();
                    break;
                case 7:
                    _at += 8;
                    break;
                case 8:
                    int bytes = Count(ReadVarint()); // read before adding: _at moves while reading
                    _at += bytes;
                    break;
                case 9:
                case 10:
                    {
                        byte header = _data[_at++];
                        ulong size = (ulong)(header >> 4);
                        if (size == 15)
                        {
                            size = ReadVarint();
                        }

                        int count = Count(size);
                        int elementType = header & 0x0F;
                        if (place is not Place.Other && elementType != 12)
                        {
                            throw Damaged(); // row groups, column chunks and schema elements are structs
                        }

                        for (int i = 0; i < count; i++)
                        {
                            if (elementType == 12 && place == Place.RowGroup)
                            {
                                RowGroups.Add(new RowGroupInfo());
                            }
                            else if (elementType == 12 && place == Place.ColumnChunk)
                            {
                                RowGroups[^1].Columns.Add(new ColumnInfo());
                            }

                            SkipValue(elementType, depth + 1, inCollection: true, elementType == 12 ? place : Place.Other);
                        }

                        break;
                    }

                case 11:
                    {
                        int count = Count(ReadVarint());
                        if (count > 0)
                        {
                            byte types = _data[_at++];
                            for (int i = 0; i < count; i++)
                            {
                                SkipValue(types >> 4, depth + 1, inCollection: true);
                                SkipValue(types & 0x0F, depth + 1, inCollection: true);
                            }
                        }

                        break;
                    }

                case 12:
                    WalkStruct(depth + 1, place);
                    break;
                default:
                    throw Damaged();
            }

            if (_at > _data.Length)
            {
                throw Damaged();
            }
        }

        /// <summary>A count or length, which can never exceed the bytes left.</summary>
        private int Count(ulong value)
        {
            if (value > (ulong)(_data.Length - _at))
            {
                throw Damaged();
            }

            return (int)value;
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

        private ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = _data[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw Damaged();
        }
    }
}
