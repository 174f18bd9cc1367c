using System;
using System.Buffers;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.Results;

/// <summary>
/// Reads an inner stream on a worker thread, a few blocks ahead of the reader, so the inner stream's own work
/// (inflating a ZIP entry and checking its CRC) runs on one core while the reader parses on the other. At most
/// <see cref="BlocksAhead"/> blocks wait; an exception of the inner stream is thrown to the reader at the
/// position where it happened. Disposing stops the worker and waits for it, then disposes the inner stream.
/// </summary>
internal sealed class ReadAheadStream : ForwardOnlyStream
{
    private const int BlockSize = 128 * 1024;
    private const int BlocksAhead = 4;

    private readonly Stream _inner;
    private readonly CancellationTokenSource _stop = new();
    private readonly HandoffQueue<Block> _blocks;
    private readonly Task _worker;
    private Block? _current;
    private int _offset;
    private bool _ended;
    private long _position;
    private bool _disposed;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        _blocks = new HandoffQueue<Block>(BlocksAhead, _stop.Token, CancellationToken.None);
        _worker = Task.Factory.StartNew(Fill, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Fill()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                int read;
                try
                {
                    read = _inner.Read(buffer, 0, BlockSize);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                try
                {
                    _blocks.Add(new Block(buffer, read, null));
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            try
            {
                _blocks.Add(new Block(null, 0, ExceptionDispatchInfo.Capture(ex)));
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            _blocks.Complete();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current is null || _offset == _current.Length)
        {
            Release();
            if (_ended || !_blocks.TryTake(out var next))
            {
                _ended = true;
                return 0;
            }

            next.Failure?.Throw();
            _current = next;
            _offset = 0;
        }

        int n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Bytes.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        _position += n;
        return n;
    }

    private void Release()
    {
        if (_current?.Bytes is { } bytes)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        _current = null;
    }

    protected override long BytesRead => _position;

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            try
            {
                _worker.Wait();
            }
            catch (AggregateException)
            {
            }

            Release();
            while (_blocks.TryTake(out var left))
            {
                if (left.Bytes is { } bytes)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                }
            }

            _blocks.Dispose();
            _stop.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Bytes read ahead, or the failure that ended reading.</summary>
    private sealed class Block
    {
        public Block(byte[]? bytes, int length, ExceptionDispatchInfo? failure)
        {
            Bytes = bytes;
            Length = length;
            Failure = failure;
        }

        public byte[]? Bytes { get; }

        public int Length { get; }

        public ExceptionDispatchInfo? Failure { get; }
    }
}
