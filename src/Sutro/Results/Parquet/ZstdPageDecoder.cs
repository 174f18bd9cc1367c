using System;
using System.IO;

namespace Sutro.Results.Parquet;

/// <summary>
/// A column cursor's zstd decoder, reused from page to page: libzstd's context where the system has the library
/// (<see cref="LibZstd"/>), else ZstdSharp's. Both give the same bytes and refuse the same damage with the same words.
/// </summary>
internal sealed class ZstdPageDecoder : IDisposable
{
    private readonly LibZstd.Context? _native;
    private readonly ZstdSharp.Decompressor? _managed;

    public ZstdPageDecoder()
        : this(LibZstd.Available)
    {
    }

    /// <param name="native">libzstd (which must be <see cref="LibZstd.Available"/>) or ZstdSharp.</param>
    internal ZstdPageDecoder(bool native)
    {
        if (native)
        {
            _native = LibZstd.CreateContext();
        }
        else
        {
            _managed = new ZstdSharp.Decompressor();
        }
    }

    public bool IsNative => _native is not null;

    /// <summary>Inflates a whole page body into <paramref name="target"/>; returns the bytes written.</summary>
    public int Decompress(ReadOnlySpan<byte> source, Span<byte> target) =>
        _native is not null ? LibZstd.Decompress(_native, source, target) : _managed!.Unwrap(source, target);

    /// <summary>A stream that inflates <paramref name="compressed"/> as it is read; it leaves that stream open.</summary>
    public Stream Open(Stream compressed)
    {
        if (_native is not null)
        {
            return new LibZstd.Stream(compressed, _native);
        }

        // A context left mid-frame by a page that failed starts afresh.
        _managed!.ResetStream();
        return new ZstdSharp.DecompressionStream(compressed, _managed, 0, checkEndOfStream: true, preserveDecompressor: true, leaveOpen: true);
    }

    public void Dispose()
    {
        _native?.Dispose();
        _managed?.Dispose();
    }
}
