using System;
using System.IO;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>The read-ahead stream gives the inner stream's bytes unchanged, its failure where it happened, and stops on dispose.</summary>
public class ReadAheadStreamTests
{
    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void GivesEveryByteInOrderWhateverTheReadSizes()
    {
        byte[] source = Bytes(3 * 1024 * 1024 + 17);
        using var stream = new ReadAheadStream(new MemoryStream(source));
        var copy = new MemoryStream();
        var buffer = new byte[70_001];
        var random = new Random(11);
        int read;
        while ((read = stream.Read(buffer, 0, random.Next(1, buffer.Length))) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(source, copy.ToArray());
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void ThrowsTheInnerFailureAfterTheBytesBeforeIt()
    {
        byte[] source = Bytes(1_000_000);
        using var stream = new ReadAheadStream(new FailingStream(source, failAt: 600_000));
        var buffer = new byte[4096];
        long total = 0;
        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }
        });
        Assert.Equal("broken at 600000", ex.Message);
        Assert.Equal(600_000, total);
    }

    [Fact]
    public void DisposingMidwayStopsReadingAndDisposesTheInnerStream()
    {
        var inner = new FailingStream(Bytes(50 * 1024 * 1024), failAt: long.MaxValue);
        var stream = new ReadAheadStream(inner);
        Assert.True(stream.Read(new byte[10], 0, 10) > 0);
        stream.Dispose();
        stream.Dispose();
        Assert.True(inner.Disposed);
        Assert.True(inner.Served < 50 * 1024 * 1024, "the worker stopped before the end");
    }

    /// <summary>Gives <c>failAt</c> bytes, then throws.</summary>
    private sealed class FailingStream : MemoryStream
    {
        private readonly long _failAt;

        public FailingStream(byte[] bytes, long failAt)
            : base(bytes) => _failAt = failAt;

        public bool Disposed { get; private set; }

        public long Served { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= _failAt)
            {
                throw new InvalidDataException($"broken at {_failAt}");
            }

            int read = base.Read(buffer, offset, (int)Math.Min(count, _failAt - Position));
            Served += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
