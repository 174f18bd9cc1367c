using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.Results;

/// <summary>
/// Runs the first (validating) pass over a JSON or CSV results body while the body downloads, so over a real
/// network it costs no time of its own. The download writes through <see cref="Wrap"/> (bytes go to the file and a
/// copy to the validator on another thread), calls <see cref="Complete"/> at the end of the body, and then opens the
/// file with <see cref="ResultDecoders.Open(string, ResultFormat?, IReadOnlyList{string}, CancellationToken, ResultBodyValidator?)"/>,
/// which uses this pass when it saw exactly the file's bytes and validates the file anew otherwise (a restarted
/// download, a UTF-16 file, a ZIP whose entry cannot be read as it streams). Parquet needs its footer first, so it
/// has no such pass (<see cref="Start"/> gives null).
/// </summary>
public sealed class ResultBodyValidator : IDisposable
{
    /// <summary>
    /// Copies waiting for the validator, at most this many (of up to a network read each, 128 KiB): when the validator
    /// is slower than the network the download waits for it, so these few buffers are all the memory the pass holds.
    /// </summary>
    private const int MaxPendingChunks = 16;

    /// <summary>
    /// The copies are reused: a fresh array per network read would be a large-object allocation (over 85,000 bytes),
    /// which only a full collection frees, and the body's whole size in such garbage is what made the peak memory of
    /// a JSON or CSV download grow with the body.
    /// </summary>
    private readonly ConcurrentBag<byte[]> _free = new();
    private readonly CancellationTokenSource _readerGone = new();
    private readonly HandoffQueue<Chunk> _chunks;
    private readonly Task<Func<string, IResultDecoder>?> _work;
    private long _appended;
    private bool _completed;
    private volatile bool _broken;
    private volatile bool _closed;

    private ResultBodyValidator(ResultFormat format, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        // One producer (the download, appending in order) and one consumer (the validating pass).
        _chunks = new HandoffQueue<Chunk>(MaxPendingChunks, _readerGone.Token, CancellationToken.None);
        var input = new ChunkStream(this);
        _work = Task.Run(() =>
        {
            try
            {
                return format == ResultFormat.Json
                    ? JsonResultDecoder.ValidateStreaming(input, outputColumnNames, cancellationToken)
                    : CsvResultDecoder.ValidateStreaming(input, outputColumnNames, ZipBombLimit, cancellationToken);
            }
            finally
            {
                _readerGone.Cancel();
            }
        });
    }

    /// <summary>A validator for a body of <paramref name="format"/>, or null for Parquet.</summary>
    /// <param name="outputColumnNames">Names the outputs column may carry (the job id), as for Open.</param>
    public static ResultBodyValidator? Start(ResultFormat format, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken) =>
        format == ResultFormat.Parquet ? null : new ResultBodyValidator(format, outputColumnNames, cancellationToken);

    /// <summary>A stream that writes to <paramref name="file"/> and hands each written byte to the validator.</summary>
    /// <param name="leaveOpen">Leaves <paramref name="file"/> open when the stream is disposed.</param>
    public Stream Wrap(Stream file, bool leaveOpen = false) => new TeeStream(file, this, leaveOpen);

    /// <summary>True while no byte has been appended and the pass was neither completed nor abandoned.</summary>
    public bool Fresh => _appended == 0 && !_closed;

    /// <summary>True once the pass has read all it will (it finished, failed or was stopped).</summary>
    internal bool Finished => _work.IsCompleted;

    /// <summary>True once <see cref="TryOpen"/> gave the decoder of this pass (the file was not read a second time).</summary>
    public bool Used { get; private set; }

    /// <summary>Hands bytes written to the file to the validator (what <see cref="Wrap"/>'s stream does).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _appended += bytes.Length;
        if (_completed)
        {
            // Bytes after the body was declared complete: the pass cannot stand for the file, whether or not the
            // validator has already finished reading.
            _broken = true;
            return;
        }

        if (_readerGone.IsCancellationRequested || _closed)
        {
            // The validator has stopped (it failed, or needs no more bytes), or the download was abandoned: the
            // file still gets every byte, and the pass is not used.
            return;
        }

        byte[] copy = Rent(bytes.Length);
        bytes.CopyTo(copy);
        try
        {
            _chunks.Add(new Chunk(copy, bytes.Length));
        }
        catch (OperationCanceledException)
        {
            // The validator stopped while the copy waited.
        }
    }

    private byte[] Rent(int length)
    {
        while (_free.TryTake(out byte[]? buffer))
        {
            if (buffer.Length >= length)
            {
                return buffer;
            }
        }

        return new byte[Math.Max(length, 128 * 1024)];
    }

    /// <summary>A copy of bytes written to the file; only the first <see cref="Length"/> bytes of the array count.</summary>
    private readonly record struct Chunk(byte[] Bytes, int Length);

    /// <summary>The body ended: every byte of the file has been appended.</summary>
    public void Complete()
    {
        _completed = true;
        _closed = true;
        _chunks.Complete();
    }

    /// <summary>The download failed or starts over: this pass is not used.</summary>
    public void Abandon()
    {
        _broken = true;
        _closed = true;
        _chunks.Complete();
    }

    /// <summary>
    /// The decoder this pass validated, for the file at <paramref name="path"/>; null when the pass cannot stand for
    /// the file (then the file is validated anew). A body this pass refused throws its error.
    /// </summary>
    internal IResultDecoder? TryOpen(string path)
    {
        if (!_completed || _broken)
        {
            return null;
        }

        Func<string, IResultDecoder>? open;
        try
        {
            open = _work.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is ResultDecodeException or IOException or InvalidDataException or OperationCanceledException)
        {
            // A body the pass refused (or could not follow, e.g. UTF-16) is read again from the file, which gives
            // the error, or the rows, exactly as without this pass.
            return null;
        }

        if (open is null || new FileInfo(path).Length != _appended)
        {
            return null;
        }

        var decoder = open(path);
        Used = true;
        return decoder;
    }

    /// <summary>How many inflated bytes a streamed ZIP may give so far: as <see cref="CheckedZipEntryStream"/> allows.</summary>
    private long ZipBombLimit() =>
        Math.Max(CheckedZipEntryStream.FreeBytes, Interlocked.Read(ref _appended) * CheckedZipEntryStream.MaxRatio);

    public void Dispose()
    {
        if (!_closed)
        {
            Abandon();
        }

        _readerGone.Cancel();
        try
        {
            _work.Wait();
        }
        catch (AggregateException)
        {
        }

        _chunks.Dispose();
        _readerGone.Dispose();
    }

    /// <summary>The validator's side: the appended bytes as a forward-only stream.</summary>
    private sealed class ChunkStream : ForwardOnlyStream
    {
        private readonly ResultBodyValidator _owner;
        private byte[] _current = Array.Empty<byte>();
        private int _length;
        private int _at;
        private long _read;

        public ChunkStream(ResultBodyValidator owner) => _owner = owner;

        protected override long BytesRead => _read;

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            while (_at == _length)
            {
                if (_current.Length > 0)
                {
                    _owner._free.Add(_current);
                    _current = Array.Empty<byte>();
                }

                if (!_owner._chunks.TryTake(out Chunk next))
                {
                    if (_owner._broken)
                    {
                        throw new OperationCanceledException("The download was abandoned.");
                    }

                    _length = _at = 0;
                    return 0;
                }

                _current = next.Bytes;
                _length = next.Length;
                _at = 0;
            }

            int n = Math.Min(buffer.Length, _length - _at);
            _current.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            _read += n;
            return n;
        }
    }

    /// <summary>Writes to the file, then to the validator.</summary>
    private sealed class TeeStream : Stream
    {
        private readonly Stream _file;
        private readonly ResultBodyValidator _validator;
        private readonly bool _leaveOpen;

        public TeeStream(Stream file, ResultBodyValidator validator, bool leaveOpen)
        {
            _file = file;
            _validator = validator;
            _leaveOpen = leaveOpen;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _file.Length;

        public override long Position
        {
            get => _file.Position;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _file.Write(buffer);
            _validator.Append(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            _validator.Append(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => _file.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_leaveOpen)
            {
                _file.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_leaveOpen)
            {
                await _file.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The single entry of a ZIP read as it streams, from its local header: what the central directory, read once the
/// file is complete, must then confirm (<see cref="Confirm"/>).
/// </summary>
internal sealed class StreamedZipEntry
{
    private readonly Crc32 _crc = new();

    private StreamedZipEntry(string name, Stream content)
    {
        Name = name;
        Content = new CountingStream(content, this);
    }

    public string Name { get; }

    /// <summary>The inflated bytes.</summary>
    public Stream Content { get; }

    public long Length { get; private set; }

    /// <summary>The entry from its local header, or null when it cannot be read as it streams (then it is read from the file).</summary>
    public static StreamedZipEntry? TryOpen(Stream body, Func<long> limit)
    {
        Span<byte> header = stackalloc byte[30];
        if (body.ReadAtLeast(header, 30, throwOnEndOfStream: false) < 30
            || BitConverter.ToUInt32(header) != 0x04034b50)
        {
            return null;
        }

        ushort flags = BitConverter.ToUInt16(header[6..]);
        ushort method = BitConverter.ToUInt16(header[8..]);
        int nameLength = BitConverter.ToUInt16(header[26..]);
        int extraLength = BitConverter.ToUInt16(header[28..]);
        if ((flags & 1) != 0 || method != 8)
        {
            // Encrypted, or not deflated (a stored entry whose end only the central directory tells).
            return null;
        }

        byte[] name = new byte[nameLength + extraLength];
        if (body.ReadAtLeast(name, name.Length, throwOnEndOfStream: false) < name.Length)
        {
            return null;
        }

        var encoding = (flags & 0x800) != 0 ? System.Text.Encoding.UTF8 : System.Text.Encoding.Latin1;
        var entry = new StreamedZipEntry(encoding.GetString(name, 0, nameLength), new DeflateStream(body, CompressionMode.Decompress, leaveOpen: true));
        entry._limit = limit;
        return entry;
    }

    private Func<long> _limit = () => long.MaxValue;

    /// <summary>
    /// Checks the complete file's central directory against what streamed: one entry, the same name, the same
    /// CRC-32 and size; throws <see cref="ResultDecodeException"/> as reading the file would.
    /// </summary>
    public void Confirm(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var entry = ZippedCsvEntry.Open(file);
        if (entry.Name != Name || entry.Crc32 != _crc.GetCurrentHashAsUInt32() || entry.Length != Length)
        {
            throw new ResultDecodeException(
                $"The CSV results ZIP is damaged: its directory describes '{entry.Name}' ({entry.Length} bytes, CRC-32 {entry.Crc32:x8}) "
                + $"but the entry holds {Length} bytes with CRC-32 {_crc.GetCurrentHashAsUInt32():x8}. Download it again.");
        }
    }

    private sealed class CountingStream : ForwardOnlyStream
    {
        private readonly Stream _inner;
        private readonly StreamedZipEntry _entry;

        public CountingStream(Stream inner, StreamedZipEntry entry)
        {
            _inner = inner;
            _entry = entry;
        }

        protected override long BytesRead => _entry.Length;

        public override int Read(Span<byte> buffer)
        {
            int n;
            try
            {
                n = _inner.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw new ResultDecodeException($"The CSV results ZIP is damaged: {ex.Message}", ex);
            }

            _entry._crc.Append(buffer[..n]);
            _entry.Length += n;
            if (_entry.Length > _entry._limit())
            {
                throw new ResultDecodeException(
                    $"The CSV results ZIP inflates to more than {CheckedZipEntryStream.MaxRatio}:1 from a much smaller file; refusing it as a likely ZIP bomb.");
            }

            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
