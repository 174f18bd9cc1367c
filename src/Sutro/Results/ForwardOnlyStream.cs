using System;
using System.IO;

namespace Sutro.Results;

/// <summary>
/// A stream that is only read, front to back: what every stream of the decoders shares. A subclass reads
/// into a span and counts the bytes it has handed out (<see cref="BytesRead"/>, shown as the position).
/// </summary>
internal abstract class ForwardOnlyStream : Stream
{
    /// <summary>Bytes handed out so far.</summary>
    protected abstract long BytesRead { get; }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
