using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sutro.MockServer;

/// <summary>
/// Wraps the response body: passes the first <c>limit</c> bytes through, then either aborts the connection
/// (cut) or stops sending and holds the connection until the client leaves, the server stops, or 5 minutes
/// pass (stall). Later writes are discarded. The headers (with the full Content-Length) are the normal ones.
/// </summary>
public sealed class FaultStream(Stream inner, HttpContext ctx, long limit, bool stall, CancellationToken stopping) : Stream
{
    private long _written;
    private bool _tripped;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_tripped) return;
        long allowed = limit - _written;
        if (buffer.Length <= allowed)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
            return;
        }
        if (allowed > 0) await inner.WriteAsync(buffer[..(int)allowed], cancellationToken);
        _written += allowed;
        await TripAsync();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _tripped ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    /// <summary>Called after the response was produced: a zero-byte limit trips even on an empty body.</summary>
    public async Task CompleteAsync()
    {
        if (!_tripped && limit == 0 && ctx.Response.ContentLength is > 0) await TripAsync();
    }

    private async Task TripAsync()
    {
        _tripped = true;
        try
        {
            await ctx.Response.StartAsync();
            await inner.FlushAsync();
            if (stall)
            {
                using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
                await Task.Delay(TimeSpan.FromMinutes(5), both.Token);
            }
            else
            {
                await Task.Delay(50);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
        ctx.Abort();
    }

    public override void Flush() { }
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes");
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
