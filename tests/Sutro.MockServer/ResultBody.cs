using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.MockServer;

/// <summary>
/// A results body with its size and ETag known up front: either bytes in memory, or a deterministic producer
/// that is run once to measure and hash, then again for each request (big generated JSON).
/// </summary>
public sealed class ResultBody
{
    private readonly Func<Stream, CancellationToken, Task>? _producer;

    private ResultBody(byte[]? bytes, Func<Stream, CancellationToken, Task>? producer, long length, string etag, string contentType)
    {
        Bytes = bytes;
        _producer = producer;
        Length = length;
        ETag = etag;
        ContentType = contentType;
    }

    public byte[]? Bytes { get; }
    public long Length { get; }
    /// <summary>Quoted strong ETag: part of the SHA-256 of the bytes.</summary>
    public string ETag { get; }
    public string ContentType { get; }

    public static ResultBody FromBytes(byte[] bytes, string contentType) =>
        new(bytes, null, bytes.Length, Quote(SHA256.HashData(bytes)), contentType);

    public static async Task<ResultBody> FromProducerAsync(Func<Stream, CancellationToken, Task> producer, string contentType)
    {
        using var sink = new HashingStream();
        await producer(sink, CancellationToken.None);
        return new ResultBody(null, producer, sink.Length, Quote(sink.Hash()), contentType);
    }

    public Task WriteToAsync(Stream destination, CancellationToken ct) =>
        Bytes is not null ? destination.WriteAsync(Bytes, ct).AsTask() : _producer!(destination, ct);

    /// <summary>The whole body in memory (producers are run into a buffer).</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken ct)
    {
        if (Bytes is not null) return Bytes;
        using var ms = new MemoryStream();
        await _producer!(ms, ct);
        return ms.ToArray();
    }

    private static string Quote(byte[] hash) => "\"" + Convert.ToHexStringLower(hash, 0, 16) + "\"";

    /// <summary>Write-only stream that only counts and hashes.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public byte[] Hash() => _hash.GetHashAndReset();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
