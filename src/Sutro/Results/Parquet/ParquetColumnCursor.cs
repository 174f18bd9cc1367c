using System;
using System.Buffers.Binary;
using global::Parquet.Meta;

namespace Sutro.Results.Parquet;

/// <summary>
/// Reads one leaf column page by page: a page is inflated (whole, or through a bounded window when it is large),
/// its repetition and definition levels decoded, and its values handed out a batch of rows at a time (a flat
/// column) or a row's entries at a time (a leaf of a list, struct or map), so a column chunk is never held whole.
/// Every count and size in a page header is checked against the row group and the chunk before it is used: the
/// values of a chunk must account for exactly the rows the footer claims.
/// </summary>
internal sealed class ParquetColumnCursor : IDisposable
{
    /// <summary>
    /// Pages larger than this are read through a window instead of being inflated whole. Most writers cut pages of
    /// about 1 MiB (polars, arrow, DuckDB), which stay whole; a page of a whole column chunk (Parquet.Net) streams.
    /// </summary>
    internal const int WholePageLimit = 2 << 20;

    private readonly ParquetLeaf _leaf;
    private readonly ChunkInput _input;
    private readonly PageData _data = new();

    // One zstd context for every page of the column (a context holds about a megabyte of tables and buffers).
    private ZstdPageDecoder? _zstd;
    private byte[] _compressed = Array.Empty<byte>();
    private readonly HybridDecoder _defs = new();
    private readonly HybridDecoder _reps = new();
    private readonly HybridDecoder _hybrid = new();
    private byte[] _defBytes = Array.Empty<byte>();
    private byte[] _repBytes = Array.Empty<byte>();
    private int _codec;
    private long _chunkUncompressed;
    private long _rowsLeft;
    private long _rowsClaimed;
    private long _valuesLeft;
    private long _valuesClaimed;

    // The dictionary of the current chunk.
    private ByteValues? _dictBytes;
    private long[]? _dictLongs;
    private double[]? _dictDoubles;

    // The current page.
    private int _pageLeft;
    private bool _hasLevels;
    private bool _hasReps;

    // A row's first entry whose repetition level (0) was read to find the end of the row before it.
    private bool _pendingRow;
    private int _dictEntries;

    // A BYTE_STREAM_SPLIT page: where its streams start in the page's bytes, and its number of values.
    private int _splitAt;
    private int _splitCount;
    private Mode _mode;
    private int _valueAt;
    private ByteValues _pageBytes = new();
    private long[] _pageLongs = Array.Empty<long>();
    private double[] _pageDoubles = Array.Empty<double>();
    private int _bitAt;

    private enum Mode
    {
        Plain,
        Dictionary,
        RleBooleans,
        Split,
        Longs,
        Doubles,
        Bytes,
    }

    public ParquetColumnCursor(ParquetLeaf leaf, string path)
    {
        _leaf = leaf;
        _input = new ChunkInput(path);
    }

    public ParquetLeaf Leaf => _leaf;

    /// <summary>Starts a row group's chunk of this column.</summary>
    public void Start(ColumnChunk chunk, long rows)
    {
        ColumnMetaData meta = chunk.MetaData ?? throw new ParquetPageException("a column chunk has no metadata");
        long start = meta.DictionaryPageOffset is > 0 and var dict && dict < meta.DataPageOffset ? dict : meta.DataPageOffset;
        if (_leaf.MaxRep == 0 || rows == 0 ? meta.NumValues != rows : meta.NumValues < rows)
        {
            throw new ParquetPageException($"the column chunk holds {meta.NumValues} values but the footer claims {rows} rows");
        }

        // A row group of no rows has no pages to read (writers leave its chunks' offsets at 0).
        _input.Reset(start, rows == 0 ? 0 : meta.TotalCompressedSize);
        _codec = (int)meta.Codec;
        _chunkUncompressed = Math.Max(meta.TotalUncompressedSize, 0);
        _rowsLeft = rows;
        _rowsClaimed = rows;
        _valuesLeft = meta.NumValues;
        _valuesClaimed = meta.NumValues;
        _dictBytes = null;
        _dictLongs = null;
        _dictDoubles = null;
        _pageLeft = 0;
        _pendingRow = false;
    }

    /// <summary>Why the reader cannot read a chunk (an unknown codec or encoding, encryption), or null.</summary>
    public static string? WhyNot(ColumnChunk chunk)
    {
        ColumnMetaData? meta = chunk.MetaData;
        if (chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null)
        {
            return "is encrypted, which this module cannot read: ask for the results without Parquet modular encryption";
        }

        if (meta is null)
        {
            return "has no column metadata: the file is damaged";
        }

        if (chunk.FilePath is not null)
        {
            return $"keeps its values in another file ('{chunk.FilePath}'), which this module cannot read";
        }

        if (!PageCodecs.Supports((int)meta.Codec))
        {
            return $"uses the compression codec {meta.Codec}, which this module cannot read";
        }

        foreach (var encoding in meta.Encodings)
        {
            if ((int)encoding is 1 or < 0 or > ParquetEncodings.ByteStreamSplit)
            {
                return $"uses the encoding {encoding}, which this module cannot read";
            }
        }

        return null;
    }

    /// <summary>The next <paramref name="count"/> rows' values; a failure says how many were read before it.</summary>
    public void Read(int count, object?[] target) => ReadRows(count, target, NextValue);

    /// <summary>The next <paramref name="count"/> rows of a FLOAT or DOUBLE column.</summary>
    public void ReadDoubles(int count, double?[] target) => ReadRows(count, target, () => NextDouble());

    /// <summary>Fills <paramref name="target"/> row by row: null where the definition level says so, else the next value.</summary>
    private void ReadRows<T>(int count, T?[] target, Func<T?> next)
    {
        int i = 0;
        try
        {
            for (; i < count; i++)
            {
                if (_pageLeft == 0)
                {
                    NextDataPage();
                }

                _pageLeft--;
                target[i] = _hasLevels && _defs.Next() == 0 ? default : next();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ParquetRowFailure(i, ex);
        }
    }

    /// <summary>
    /// The next row's entries (a leaf of a list, struct or map): every entry up to the next one that starts a row
    /// (repetition level 0), with its levels and, where the leaf is defined, its value.
    /// </summary>
    public void ReadRow(RowEntries row)
    {
        row.Clear();
        bool numbers = _leaf.Kind == LeafKind.Double;
        while (true)
        {
            int rep;
            if (_pendingRow)
            {
                _pendingRow = false;
                rep = 0;
            }
            else
            {
                if (_pageLeft == 0)
                {
                    if (row.Count > 0 && _valuesLeft == 0)
                    {
                        return;
                    }

                    NextDataPage();
                }

                rep = _hasReps ? _reps.Next() : 0;
                if (rep == 0 && row.Count > 0)
                {
                    _pendingRow = true;
                    return;
                }
            }

            if (rep != 0 && row.Count == 0)
            {
                throw new ParquetPageException($"a row starts at repetition level {rep} instead of 0");
            }

            int def = _hasLevels ? _defs.Next() : 0;
            _pageLeft--;
            int at = row.Next();
            row.Def[at] = def;
            row.Rep[at] = rep;
            if (def == _leaf.MaxDef)
            {
                if (numbers)
                {
                    row.Numbers[at] = NextDouble();
                }
                else
                {
                    row.Values[at] = NextValue();
                }
            }
        }
    }

    /// <summary>After a row group's rows: the chunk must hold no further values.</summary>
    public void Finish()
    {
        if (_pageLeft != 0)
        {
            throw new ParquetPageException($"the column chunk holds more values than the {_rowsClaimed} rows the footer claims");
        }

        _data.Finish();
        while (_input.Remaining > 0)
        {
            PageHeaderInfo header = _input.ReadPageHeader();
            if (header.Type is PageHeaderInfo.DataPage or PageHeaderInfo.DataPageV2 && header.NumValues > 0)
            {
                throw new ParquetPageException($"the column chunk holds more values than the {_rowsClaimed} rows the footer claims");
            }

            _input.Skip(header.CompressedSize);
        }
    }

    private object NextValue()
    {
        switch (_mode)
        {
            case Mode.Plain:
                return _leaf.Physical switch
                {
                    ParquetLeaf.ByteArray => _leaf.FromBytes(_data.ReadBytes(Length(_data.ReadInt32()))),
                    ParquetLeaf.FixedLenByteArray => _leaf.FromBytes(_data.ReadBytes(_leaf.TypeLength)),
                    ParquetLeaf.Int96 => _leaf.FromBytes(_data.ReadBytes(12)),
                    ParquetLeaf.Int32 => _leaf.FromInt64(_data.ReadInt32()),
                    ParquetLeaf.Int64 => _leaf.FromInt64(_data.ReadInt64()),
                    ParquetLeaf.Boolean => _leaf.FromInt64(NextBit()),
                    _ => NextDouble(),
                };
            case Mode.Dictionary:
                {
                    int index = NextIndex();
                    if (_dictBytes is not null)
                    {
                        return _leaf.FromBytes(_dictBytes[index]);
                    }

                    return _dictDoubles is not null ? _dictDoubles[index] : _leaf.FromInt64(_dictLongs![index]);
                }

            case Mode.RleBooleans:
                return _leaf.FromInt64(_hybrid.Next());
            case Mode.Split when _leaf.Physical is ParquetLeaf.Float or ParquetLeaf.Double:
                return NextDouble();
            case Mode.Split:
                {
                    Span<byte> value = stackalloc byte[FixedWidth()];
                    NextSplit(value);
                    return _leaf.Physical switch
                    {
                        ParquetLeaf.Int32 => _leaf.FromInt64(BinaryPrimitives.ReadInt32LittleEndian(value)),
                        ParquetLeaf.Int64 => _leaf.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(value)),
                        _ => _leaf.FromBytes(value),
                    };
                }
            case Mode.Longs:
                return _leaf.FromInt64(_pageLongs[_valueAt++]);
            case Mode.Doubles:
                return _pageDoubles[_valueAt++];
            default:
                return _leaf.FromBytes(_pageBytes[_valueAt++]);
        }
    }

    private double NextDouble()
    {
        switch (_mode)
        {
            case Mode.Plain:
                if (_leaf.Physical == ParquetLeaf.Double)
                {
                    return BitConverter.Int64BitsToDouble(_data.ReadInt64());
                }

                if (_leaf.Physical == ParquetLeaf.Float)
                {
                    return BitConverter.Int32BitsToSingle(_data.ReadInt32());
                }

                break;
            case Mode.Dictionary when _dictDoubles is not null:
                return _dictDoubles[NextIndex()];
            case Mode.Doubles:
                return _pageDoubles[_valueAt++];
            case Mode.Split when _leaf.Physical is ParquetLeaf.Float or ParquetLeaf.Double:
                {
                    Span<byte> value = stackalloc byte[8];
                    if (_leaf.Physical == ParquetLeaf.Double)
                    {
                        NextSplit(value);
                        return BinaryPrimitives.ReadDoubleLittleEndian(value);
                    }

                    NextSplit(value[..4]);
                    return BinaryPrimitives.ReadSingleLittleEndian(value);
                }
        }

        throw new ParquetPageException("a number column holds values of another type");
    }

    /// <summary>The next BYTE_STREAM_SPLIT value: byte k of value i sits at k * count + i.</summary>
    private void NextSplit(Span<byte> value)
    {
        if (_valueAt >= _splitCount)
        {
            throw new ParquetPageException($"a page holds {_splitCount} values where its levels call for more");
        }

        byte[] buffer = _data.Buffer;
        int at = _splitAt + _valueAt++;
        for (int k = 0; k < value.Length; k++, at += _splitCount)
        {
            value[k] = buffer[at];
        }
    }

    private int NextIndex()
    {
        int index = _hybrid.Next();
        if ((uint)index >= (uint)_dictEntries)
        {
            throw new ParquetPageException($"a page refers to dictionary entry {index} of a dictionary of {_dictEntries}");
        }

        return index;
    }

    private long NextBit()
    {
        if (_bitAt == 0)
        {
            _data.Ensure(1);
        }

        long bit = (_data.Buffer[_data.Position] >> _bitAt) & 1;
        if (++_bitAt == 8)
        {
            _bitAt = 0;
            _data.Advance(1);
        }

        return bit;
    }

    private int Length(int length) =>
        length < 0 ? throw new ParquetPageException($"a value declares a negative length ({length})") : length;

    private void NextDataPage()
    {
        if (_bitAt != 0)
        {
            _bitAt = 0;
            _data.Advance(1);
        }

        _data.Finish();
        while (true)
        {
            if (_input.Remaining <= 0)
            {
                throw new ParquetPageException(_leaf.MaxRep == 0
                    ? $"the column chunk ends after {_rowsClaimed - _rowsLeft} values but the footer claims {_rowsClaimed} rows"
                    : $"the column chunk ends after {_valuesClaimed - _valuesLeft} of the {_valuesClaimed} values its metadata claims");
            }

            PageHeaderInfo header = _input.ReadPageHeader();
            if (header.UncompressedSize > _chunkUncompressed && header.UncompressedSize > header.CompressedSize)
            {
                throw new ParquetPageException($"a page declares {header.UncompressedSize} bytes inflated, more than its whole column chunk ({_chunkUncompressed})");
            }

            switch (header.Type)
            {
                case PageHeaderInfo.DictionaryPage:
                    ReadDictionary(header);
                    continue;
                case PageHeaderInfo.DataPage:
                case PageHeaderInfo.DataPageV2:
                    if (StartDataPage(header))
                    {
                        return;
                    }

                    continue;
                case PageHeaderInfo.IndexPage:
                    _input.Skip(header.CompressedSize);
                    continue;
                default:
                    throw new ParquetPageException($"a page has the unknown page type {header.Type}");
            }
        }
    }

    /// <summary>Opens a page's body: whole when small, else through an inflating window.</summary>
    private void OpenBody(PageHeaderInfo header, int codec, long compressed, long inflated, PageBodyStream body)
    {
        if (inflated > int.MaxValue - 64 || compressed > int.MaxValue - 64)
        {
            throw new ParquetPageException("a page declares a size over 2 GB");
        }

        if (codec == PageCodecs.Uncompressed && compressed != inflated)
        {
            throw new ParquetPageException($"an uncompressed page holds {compressed} bytes but declares {inflated}");
        }

        if (compressed == 0 && inflated == 0)
        {
            // A page of no values (all null, or empty) may hold no bytes at all under any codec: there is nothing
            // to inflate, and an empty Snappy or LZ4 input is no valid stream.
            _data.SetWhole(0);
        }
        else if (inflated <= WholePageLimit || PageCodecs.WholeOnly(codec))
        {
            if (codec == PageCodecs.Uncompressed)
            {
                byte[] target = _data.Rent((int)inflated);
                body.ReadExactly(target, 0, (int)compressed);
            }
            else
            {
                if (_compressed.Length < compressed)
                {
                    _compressed = new byte[Math.Max((int)compressed, Math.Min(_compressed.Length * 2, WholePageLimit * 2))];
                }

                body.ReadExactly(_compressed, 0, (int)compressed);
                byte[] target = _data.Rent((int)inflated);
                Inflate(codec, (int)compressed, target.AsSpan(0, (int)inflated));
            }

            _data.SetWhole((int)inflated);
        }
        else
        {
            _data.SetStream(PageCodecs.Open(codec, body, ZstdFor(codec)), inflated);
        }
    }

    private void Inflate(int codec, int compressed, Span<byte> target)
    {
        try
        {
            PageCodecs.DecompressWhole(codec, _compressed, compressed, target, ZstdFor(codec));
        }
        catch (Exception ex) when (ex is not ParquetPageException)
        {
            throw new ParquetPageException($"a page's compressed bytes are damaged ({ex.Message})", ex);
        }
    }

    private void ReadDictionary(PageHeaderInfo header)
    {
        if (_dictBytes is not null || _dictLongs is not null || _dictDoubles is not null)
        {
            throw new ParquetPageException("a column chunk has a second dictionary page");
        }

        if (header.NumValues < 0 || header.Encoding is not (ParquetEncodings.Plain or ParquetEncodings.PlainDictionary))
        {
            throw new ParquetPageException($"a dictionary page has {header.NumValues} values in encoding {header.Encoding}");
        }

        var body = new PageBodyStream(_input, header.CompressedSize, header.Crc);
        OpenBody(header, _codec, header.CompressedSize, header.UncompressedSize, body);
        int count = header.NumValues;
        int minimum = _leaf.Physical switch
        {
            ParquetLeaf.ByteArray => 4,
            ParquetLeaf.FixedLenByteArray => _leaf.TypeLength,
            ParquetLeaf.Int96 => 12,
            ParquetLeaf.Int32 or ParquetLeaf.Float => 4,
            ParquetLeaf.Boolean => throw new ParquetPageException("a boolean column has a dictionary page"),
            _ => 8,
        };
        if ((long)count * minimum > header.UncompressedSize)
        {
            throw new ParquetPageException($"a dictionary page claims {count} values in {header.UncompressedSize} bytes");
        }

        switch (_leaf.Physical)
        {
            case ParquetLeaf.ByteArray:
            case ParquetLeaf.FixedLenByteArray:
            case ParquetLeaf.Int96:
                _dictBytes = new ByteValues();
                for (int i = 0; i < count; i++)
                {
                    int length = _leaf.Physical == ParquetLeaf.ByteArray ? Length(_data.ReadInt32()) : minimum;
                    _dictBytes.Add(_data.ReadBytes(length));
                }

                break;
            case ParquetLeaf.Float:
            case ParquetLeaf.Double:
                _dictDoubles = new double[count];
                for (int i = 0; i < count; i++)
                {
                    _dictDoubles[i] = _leaf.Physical == ParquetLeaf.Double
                        ? BitConverter.Int64BitsToDouble(_data.ReadInt64())
                        : BitConverter.Int32BitsToSingle(_data.ReadInt32());
                }

                break;
            default:
                _dictLongs = new long[count];
                for (int i = 0; i < count; i++)
                {
                    _dictLongs[i] = _leaf.Physical == ParquetLeaf.Int64 ? _data.ReadInt64() : _data.ReadInt32();
                }

                break;
        }

        _data.Finish();
    }

    /// <summary>Opens a data page; false for a page of no values.</summary>
    private bool StartDataPage(PageHeaderInfo header)
    {
        bool v2 = header.Type == PageHeaderInfo.DataPageV2;
        int values = header.NumValues;
        bool flat = _leaf.MaxRep == 0;
        if (values < 0 || values > _valuesLeft)
        {
            throw new ParquetPageException(flat
                ? $"a page claims {values} values where {_rowsLeft} of the footer's {_rowsClaimed} rows remain"
                : $"a page claims {values} values where {_valuesLeft} of the column chunk's {_valuesClaimed} remain");
        }

        if (v2 && ((flat && header.NumRows != values) || header.DefinitionBytes < 0
            || header.RepetitionBytes < 0 || header.NumNulls < 0 || header.NumNulls > values
            || header.NumRows < 0 || header.NumRows > values))
        {
            string counts = $"{header.NumRows} rows, {values} values, {header.NumNulls} nulls, {header.RepetitionBytes} and {header.DefinitionBytes} bytes of repetition and definition levels";
            throw new ParquetPageException(flat
                ? $"a version 2 page's row, null or level counts do not fit a flat column ({counts})"
                : $"a version 2 page's row, null or level counts do not fit its values ({counts})");
        }

        var body = new PageBodyStream(_input, header.CompressedSize, header.Crc);
        _hasLevels = _leaf.MaxDef > 0;
        _hasReps = _leaf.MaxRep > 0;
        _pendingRow = false;

        int present = values;
        if (v2)
        {
            long levelBytes = (long)header.DefinitionBytes + header.RepetitionBytes;
            if (levelBytes > header.CompressedSize || levelBytes > header.UncompressedSize)
            {
                throw new ParquetPageException("a page's repetition and definition levels declare more bytes than the page");
            }

            Grow(ref _repBytes, header.RepetitionBytes);
            body.ReadExactly(_repBytes.AsSpan(0, header.RepetitionBytes));
            Grow(ref _defBytes, header.DefinitionBytes);
            body.ReadExactly(_defBytes.AsSpan(0, header.DefinitionBytes));
            if (_hasReps)
            {
                // The repetition levels say where rows start; the header's row count is not checked against them, as
                // DuckDB and arrow do not: parquet.js writes its count of values there.
                StartLevels(_reps, _repBytes, header.RepetitionBytes, values, _leaf.MaxRep, false, "repetition", 0);
            }

            if (_hasLevels)
            {
                present = StartLevels(_defs, _defBytes, header.DefinitionBytes, values, _leaf.MaxDef, false, "definition", _leaf.MaxDef);
            }

            int codec = header.IsCompressed ? _codec : PageCodecs.Uncompressed;
            OpenBody(header, codec, header.CompressedSize - levelBytes, header.UncompressedSize - levelBytes, body);
        }
        else
        {
            OpenBody(header, _codec, header.CompressedSize, header.UncompressedSize, body);
            if (_hasReps)
            {
                ReadV1Levels(header.RepetitionEncoding, values, _leaf.MaxRep, _reps, ref _repBytes, "repetition", 0);
            }

            if (_hasLevels)
            {
                present = ReadV1Levels(header.DefinitionEncoding, values, _leaf.MaxDef, _defs, ref _defBytes, "definition", _leaf.MaxDef);
            }
        }

        _valuesLeft -= values;
        _rowsLeft -= flat ? values : 0;
        _pageLeft = values;
        _valueAt = 0;
        _bitAt = 0;
        PrepareValues(header.Encoding, present);
        return values > 0;
    }

    /// <summary>A version 1 page's levels: RLE with a 4-byte length, or the deprecated BIT_PACKED run.</summary>
    private int ReadV1Levels(
        int encoding, int count, int max, HybridDecoder decoder, ref byte[] buffer, string what, int counted)
    {
        int length;
        if (encoding == ParquetEncodings.Rle)
        {
            length = _data.ReadInt32();
        }
        else if (encoding == ParquetEncodings.BitPacked)
        {
            length = (int)(((long)count * ParquetEncodings.BitWidth(max) + 7) / 8);
        }
        else
        {
            throw new ParquetPageException($"a page's {what} levels use encoding {encoding}");
        }

        if (length < 0 || length > _data.Left)
        {
            throw new ParquetPageException($"a page's {what} levels declare {length} bytes, more than the page holds");
        }

        // Copied: a page read through a window moves its bytes as it goes.
        Grow(ref buffer, length);
        _data.ReadBytes(length).CopyTo(buffer);
        return StartLevels(decoder, buffer, length, count, max, encoding == ParquetEncodings.BitPacked, what, counted);
    }

    /// <summary>
    /// Checks a page's levels (each 0 to <paramref name="max"/>) in one pass and readies them to be read one by one;
    /// returns how many equal <paramref name="counted"/> (the highest definition level: the entries with a value;
    /// 0: the rows).
    /// </summary>
    private static int StartLevels(
        HybridDecoder decoder, byte[] bytes, int length, int count, int max, bool msbFirst, string what, int counted)
    {
        if (max > 255)
        {
            throw new ParquetPageException($"a column nests deeper than 255 {what} levels");
        }

        int width = ParquetEncodings.BitWidth(max);
        decoder.Reset(bytes, 0, length, width, msbFirst);
        int found = decoder.Count(count, max, counted, what);
        decoder.Reset(bytes, 0, length, width, msbFirst);
        return found;
    }

    private static void Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, Math.Min(buffer.Length * 2, 1 << 24))];
        }
    }

    private void PrepareValues(int encoding, int present)
    {
        switch (encoding)
        {
            case ParquetEncodings.Plain:
                _mode = Mode.Plain;
                if (_leaf.Physical != ParquetLeaf.ByteArray && _leaf.Physical != ParquetLeaf.Boolean
                    && (long)present * FixedWidth() > _data.Left)
                {
                    throw new ParquetPageException($"a page claims {present} values but holds {_data.Left} bytes");
                }

                return;
            case ParquetEncodings.PlainDictionary:
            case ParquetEncodings.RleDictionary:
                {
                    int entries = _dictBytes?.Count ?? _dictLongs?.Length ?? _dictDoubles?.Length
                        ?? throw new ParquetPageException("a dictionary-encoded page comes without a dictionary page");
                    ReadOnlySpan<byte> rest = present == 0 ? default : _data.ReadRest();
                    if (present > 0 && rest.Length == 0)
                    {
                        throw new ParquetPageException("a dictionary-encoded page holds no indices");
                    }

                    if (present > 0)
                    {
                        // The indices stay encoded in the page's bytes and are decoded (and checked) one by one.
                        _hybrid.Reset(_data.Buffer, _data.Position - rest.Length + 1, rest.Length - 1, rest[0]);
                    }

                    _dictEntries = entries;
                    _mode = Mode.Dictionary;
                    return;
                }

            case ParquetEncodings.DeltaBinaryPacked when _leaf.Physical is ParquetLeaf.Int32 or ParquetLeaf.Int64:
                {
                    int at = 0;
                    _pageLongs = ParquetEncodings.DecodeDeltaBinaryPacked(_data.ReadRest(), ref at, present, _leaf.Physical == ParquetLeaf.Int32);
                    RequireCount(_pageLongs.Length, present);
                    _mode = Mode.Longs;
                    return;
                }

            case ParquetEncodings.Rle when _leaf.Physical == ParquetLeaf.Boolean:
                {
                    // RLE booleans in a data page: a 4-byte length, then the hybrid runs at bit width 1.
                    ReadOnlySpan<byte> rest = _data.ReadRest();
                    int length = rest.Length >= 4 ? ParquetEncodings.ReadInt32(rest) : -1;
                    if (length < 0 || length > rest.Length - 4)
                    {
                        throw new ParquetPageException($"a page's RLE booleans declare {length} bytes, more than the page holds");
                    }

                    _hybrid.Reset(_data.Buffer, _data.Position - rest.Length + 4, length, 1);
                    _mode = Mode.RleBooleans;
                    return;
                }

            case ParquetEncodings.DeltaLengthByteArray when _leaf.Physical == ParquetLeaf.ByteArray:
                ParquetEncodings.DecodeDeltaLength(_data.ReadRest(), present, _pageBytes);
                _mode = Mode.Bytes;
                return;
            case ParquetEncodings.DeltaByteArray when _leaf.Physical is ParquetLeaf.ByteArray or ParquetLeaf.FixedLenByteArray:
                ParquetEncodings.DecodeDeltaByteArray(_data.ReadRest(), present, _pageBytes);
                _mode = Mode.Bytes;
                return;
            case ParquetEncodings.ByteStreamSplit when _leaf.Physical != ParquetLeaf.ByteArray && _leaf.Physical != ParquetLeaf.Boolean:
                {
                    // The streams stay in the page's bytes; each value is gathered from them when it is read.
                    int width = FixedWidth();
                    ReadOnlySpan<byte> rest = _data.ReadRest();
                    if ((long)present * width > rest.Length)
                    {
                        throw new ParquetPageException($"a byte-stream-split page holds {rest.Length} bytes, too few for {present} values");
                    }

                    _splitAt = _data.Position - rest.Length;
                    _splitCount = present;
                    _mode = Mode.Split;
                    return;
                }

            default:
                throw new ParquetPageException($"a page uses encoding {encoding}, which this column's type does not allow");
        }
    }

    private static void RequireCount(int found, int expected)
    {
        if (found != expected)
        {
            throw new ParquetPageException($"a page holds {found} values where its levels call for {expected}");
        }
    }

    private int FixedWidth() => _leaf.Physical switch
    {
        ParquetLeaf.FixedLenByteArray => _leaf.TypeLength,
        ParquetLeaf.Int96 => 12,
        ParquetLeaf.Int32 or ParquetLeaf.Float => 4,
        _ => 8,
    };

    private ZstdPageDecoder? ZstdFor(int codec) => codec == PageCodecs.Zstd ? _zstd ??= new ZstdPageDecoder() : null;

    public void Dispose()
    {
        _data.Dispose();
        _zstd?.Dispose();
        _input.Dispose();
    }
}

/// <summary>A read that failed after <see cref="Done"/> of the rows asked for.</summary>
internal sealed class ParquetRowFailure : Exception
{
    public ParquetRowFailure(int done, Exception inner) : base(inner.Message, inner) => Done = done;

    public int Done { get; }
}
