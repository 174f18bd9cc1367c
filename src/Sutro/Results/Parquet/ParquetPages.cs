using System;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;

namespace Sutro.Results.Parquet;

/// <summary>Thrown while a column chunk's pages are read; the decoder adds the row and the column.</summary>
internal sealed class ParquetPageException : Exception
{
    public ParquetPageException(string message) : base(message)
    {
    }

    public ParquetPageException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>The parts of a Parquet page header (parquet.thrift <c>PageHeader</c>) the page reader uses.</summary>
internal sealed class PageHeaderInfo
{
    public const int DataPage = 0;
    public const int IndexPage = 1;
    public const int DictionaryPage = 2;
    public const int DataPageV2 = 3;

    public int Type { get; set; } = -1;

    public int UncompressedSize { get; set; } = -1;

    public int CompressedSize { get; set; } = -1;

    public int? Crc { get; set; }

    public int NumValues { get; set; } = -1;

    public int Encoding { get; set; } = -1;

    public int DefinitionEncoding { get; set; }

    public int RepetitionEncoding { get; set; }

    public int NumNulls { get; set; }

    public int NumRows { get; set; } = -1;

    public int DefinitionBytes { get; set; }

    public int RepetitionBytes { get; set; }

    public bool IsCompressed { get; set; } = true;
}

/// <summary>
/// One column chunk's bytes in the file, read forward through its own handle: page headers (Thrift compact,
/// every length checked against the bytes left in the chunk) and page bodies.
/// </summary>
internal sealed class ChunkInput : IDisposable
{
    private readonly FileStream _file;
    private long _position;
    private long _end;

    public ChunkInput(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    public long Remaining => _end - _position;

    public long Position => _position;

    public void Reset(long start, long length)
    {
        _position = start;
        _end = start + length;
        _file.Seek(start, SeekOrigin.Begin);
    }

    public int ReadByte()
    {
        if (_position >= _end)
        {
            throw new ParquetPageException("a page header runs past the end of its column chunk");
        }

        int b = _file.ReadByte();
        if (b < 0)
        {
            throw new ParquetPageException("the file ends inside a page header");
        }

        _position++;
        return b;
    }

    /// <summary>Reads exactly <paramref name="target"/>.Length bytes of the chunk.</summary>
    public void ReadExactly(Span<byte> target)
    {
        if (target.Length > Remaining)
        {
            throw new ParquetPageException($"a page declares {target.Length} bytes but its column chunk has {Remaining} left");
        }

        _file.ReadExactly(target);
        _position += target.Length;
    }

    public int Read(Span<byte> target)
    {
        int want = (int)Math.Min(target.Length, Remaining);
        if (want == 0)
        {
            return 0;
        }

        int read = _file.Read(target[..want]);
        if (read == 0)
        {
            throw new ParquetPageException("the file ends inside a page");
        }

        _position += read;
        return read;
    }

    public void Skip(long count)
    {
        if (count > Remaining)
        {
            throw new ParquetPageException($"a page declares {count} bytes but its column chunk has {Remaining} left");
        }

        _position += count;
        _file.Seek(_position, SeekOrigin.Begin);
    }

    /// <summary>
    /// Reads a page header. Only the fields the reader needs are kept; every other field is skipped with its
    /// length checked against the chunk, at a bounded depth.
    /// </summary>
    public PageHeaderInfo ReadPageHeader()
    {
        var header = new PageHeaderInfo();
        ReadStruct((field, type) =>
        {
            switch (field)
            {
                case 1: header.Type = ReadI32(type); break;
                case 2: header.UncompressedSize = ReadI32(type); break;
                case 3: header.CompressedSize = ReadI32(type); break;
                case 4: header.Crc = ReadI32(type); break;
                case 5 when type == 12: ReadDataPageHeader(header, v2: false); break;
                case 7 when type == 12: ReadDictionaryPageHeader(header); break;
                case 8 when type == 12: ReadDataPageHeader(header, v2: true); break;
                default: SkipValue(type, 0); break;
            }
        });

        if (header.Type < 0 || header.UncompressedSize < 0 || header.CompressedSize < 0)
        {
            throw new ParquetPageException("a page header lacks its type or sizes");
        }

        return header;
    }

    private void ReadDataPageHeader(PageHeaderInfo header, bool v2) => ReadStruct((field, type) =>
    {
        switch (v2 ? field + 100 : field)
        {
            case 1: header.NumValues = ReadI32(type); break;
            case 2: header.Encoding = ReadI32(type); break;
            case 3: header.DefinitionEncoding = ReadI32(type); break;
            case 4: header.RepetitionEncoding = ReadI32(type); break;
            case 101: header.NumValues = ReadI32(type); break;
            case 102: header.NumNulls = ReadI32(type); break;
            case 103: header.NumRows = ReadI32(type); break;
            case 104: header.Encoding = ReadI32(type); break;
            case 105: header.DefinitionBytes = ReadI32(type); break;
            case 106: header.RepetitionBytes = ReadI32(type); break;
            case 107 when type is 1 or 2: header.IsCompressed = type == 1; break;
            default: SkipValue(type, 1); break;
        }
    });

    private void ReadDictionaryPageHeader(PageHeaderInfo header) => ReadStruct((field, type) =>
    {
        switch (field)
        {
            case 1: header.NumValues = ReadI32(type); break;
            case 2: header.Encoding = ReadI32(type); break;
            default: SkipValue(type, 1); break;
        }
    });

    /// <summary>Walks the fields of one Thrift compact struct up to its stop byte, handing each id and type on.</summary>
    private void ReadStruct(Action<short, int> onField)
    {
        short field = 0;
        while (true)
        {
            int b = ReadByte();
            if (b == 0)
            {
                return;
            }

            field = NextField(b, field);
            onField(field, b & 0x0F);
        }
    }

    private short NextField(int header, short last)
    {
        int delta = header >> 4;
        return delta == 0 ? (short)ZigZag(ReadVarint()) : (short)(last + delta);
    }

    private int ReadI32(int type)
    {
        if (type != 5)
        {
            throw new ParquetPageException($"a page header field has Thrift type {type} where an i32 belongs");
        }

        long value = ZigZag(ReadVarint());
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new ParquetPageException("a page header holds a number out of range");
        }

        return (int)value;
    }

    private void SkipValue(int type, int depth)
    {
        if (depth > 32)
        {
            throw new ParquetPageException("a page header is nested too deeply");
        }

        switch (type)
        {
            case 1:
            case 2:
                break;
            case 3:
                ReadByte();
                break;
            case 4:
            case 5:
            case 6:
                ReadVarint();
                break;
            case 7:
                Skip(8);
                break;
            case 8:
                Skip(Length(ReadVarint()));
                break;
            case 9:
            case 10:
                {
                    int b = ReadByte();
                    long count = b >> 4 == 15 ? Length(ReadVarint()) : b >> 4;
                    for (long i = 0; i < count; i++)
                    {
                        if ((b & 0x0F) is 1 or 2)
                        {
                            ReadByte();
                        }
                        else
                        {
                            SkipValue(b & 0x0F, depth + 1);
                        }
                    }

                    break;
                }

            case 11:
                {
                    long count = Length(ReadVarint());
                    if (count > 0)
                    {
                        int types = ReadByte();
                        for (long i = 0; i < count; i++)
                        {
                            SkipValue(types >> 4, depth + 1);
                            SkipValue(types & 0x0F, depth + 1);
                        }
                    }

                    break;
                }

            case 12:
                {
                    short field = 0;
                    while (true)
                    {
                        int b = ReadByte();
                        if (b == 0)
                        {
                            break;
                        }

                        field = NextField(b, field);
                        SkipValue(b & 0x0F, depth + 1);
                    }

                    break;
                }

            default:
                throw new ParquetPageException($"a page header holds an unknown Thrift type {type}");
        }
    }

    private long Length(ulong value) =>
        value > (ulong)Remaining ? throw new ParquetPageException("a page header declares a length beyond its column chunk") : (long)value;

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ParquetPageException("a page header holds an over-long number");
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    public void Dispose() => _file.Dispose();
}

/// <summary>
/// The next <c>length</c> bytes of a chunk as a stream (a page's compressed body), with its CRC-32 checked at the
/// end when the page header carries one.
/// </summary>
internal sealed class PageBodyStream : ForwardOnlyStream
{
    private readonly ChunkInput _input;
    private readonly long _length;
    private readonly Crc32? _crc;
    private readonly int _expectedCrc;
    private long _left;

    public PageBodyStream(ChunkInput input, long length, int? crc)
    {
        if (length > input.Remaining)
        {
            throw new ParquetPageException($"a page declares {length} bytes but its column chunk has {input.Remaining} left");
        }

        _input = input;
        _length = length;
        _left = length;
        if (crc is { } expected)
        {
            _crc = new Crc32();
            _expectedCrc = expected;
        }
    }

    public long Left => _left;

    protected override long BytesRead => _length - _left;

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0 || buffer.Length == 0)
        {
            return 0;
        }

        int read = _input.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _crc?.Append(buffer[..read]);
        _left -= read;
        if (_left == 0)
        {
            CheckCrc();
        }

        return read;
    }

    private void CheckCrc()
    {
        if (_crc is not null && (int)_crc.GetCurrentHashAsUInt32() != _expectedCrc)
        {
            throw new ParquetPageException("a page's bytes do not match the CRC-32 its header carries");
        }
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }
}

/// <summary>The compression codecs of parquet.thrift that the page reader decompresses itself.</summary>
internal static class PageCodecs
{
    public const int Uncompressed = 0;
    public const int Snappy = 1;
    public const int Gzip = 2;
    public const int Lzo = 3;
    public const int Brotli = 4;
    public const int Lz4 = 5;
    public const int Zstd = 6;
    public const int Lz4Raw = 7;

    public static bool Supports(int codec) => codec is Uncompressed or Snappy or Gzip or Brotli or Lz4 or Zstd or Lz4Raw;

    /// <summary>Codecs whose pages are always inflated whole (they have no streaming decoder here).</summary>
    public static bool WholeOnly(int codec) => codec is Lz4 or Lz4Raw;

    /// <summary>
    /// Decompresses a whole page body into <paramref name="target"/>, which must be its exact size; zstd pages
    /// through <paramref name="zstd"/> (required for them), a decompression context the caller reuses from page to page.
    /// </summary>
    public static void DecompressWhole(int codec, byte[] sourceArray, int sourceLength, Span<byte> target, ZstdPageDecoder? zstd)
    {
        ReadOnlySpan<byte> source = sourceArray.AsSpan(0, sourceLength);
        int written;
        switch (codec)
        {
            case Uncompressed:
                if (source.Length != target.Length)
                {
                    throw new ParquetPageException($"an uncompressed page holds {source.Length} bytes but declares {target.Length}");
                }

                source.CopyTo(target);
                return;
            case Snappy:
                if (global::Snappier.Snappy.GetUncompressedLength(source) != target.Length)
                {
                    throw new ParquetPageException("a Snappy page is damaged or does not inflate to the size its header declares");
                }

                written = global::Snappier.Snappy.Decompress(source, target);
                break;
            case Zstd:
                written = zstd!.Decompress(source, target);
                break;
            case Lz4Raw:
                written = K4os.Compression.LZ4.LZ4Codec.Decode(source, target);
                break;
            case Lz4:
                written = DecodeHadoopLz4(source, target) ? target.Length : K4os.Compression.LZ4.LZ4Codec.Decode(source, target);
                break;
            default:
                using (var compressed = new MemoryStream(sourceArray, 0, sourceLength, writable: false))
                using (var stream = Open(codec, compressed, null))
                {
                    written = stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
                    if (written == target.Length && stream.ReadByte() >= 0)
                    {
                        written = -1;
                    }
                }

                break;
        }

        if (written != target.Length)
        {
            throw new ParquetPageException($"a page inflates to {(written < 0 ? "more" : written.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes but declares {target.Length}");
        }
    }

    /// <summary>
    /// The deprecated LZ4 codec as Hadoop frames it (parquet-mr, arrow-rs): blocks of a big-endian inflated size, a
    /// big-endian compressed size and an LZ4 block. False when the bytes are not so framed (old writers wrote a bare
    /// LZ4 block under the same codec, which the caller then tries), as Arrow's reader does.
    /// </summary>
    private static bool DecodeHadoopLz4(ReadOnlySpan<byte> source, Span<byte> target)
    {
        int written = 0;
        while (source.Length >= 8)
        {
            uint inflated = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source);
            uint compressed = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
            source = source[8..];
            if (compressed > (uint)source.Length || inflated > (uint)(target.Length - written))
            {
                return false;
            }

            int done = K4os.Compression.LZ4.LZ4Codec.Decode(source[..(int)compressed], target.Slice(written, (int)inflated));
            if (done != (int)inflated)
            {
                return false;
            }

            written += done;
            source = source[(int)compressed..];
        }

        return source.Length == 0 && written == target.Length;
    }

    /// <summary>
    /// A stream that inflates a page body as it is read (for pages too large to hold whole); zstd through
    /// <paramref name="zstd"/>, which the stream leaves to the caller for the next page.
    /// </summary>
    public static Stream Open(int codec, Stream compressed, ZstdPageDecoder? zstd) => codec switch
    {
        Uncompressed => compressed,
        Snappy => new SnappyRawStream(compressed),
        Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        Brotli => new BrotliStream(compressed, CompressionMode.Decompress, leaveOpen: true),
        Zstd => zstd!.Open(compressed),
        _ => throw new ParquetPageException($"compression codec {codec} cannot be read as a stream"),
    };
}
