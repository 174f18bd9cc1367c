using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.MockServer;

/// <summary>
/// A results body with its size and ETag known up front: bytes in memory, a deterministic producer
/// that is run once to measure and hash, then again for each request (big generated JSON), or a file on disk
/// streamed for each request (never loaded whole).
/// </summary>
public sealed class ResultBody
{
    private readonly Func<Stream, CancellationToken, Task>? _producer;
    private readonly string? _file;

    private ResultBody(byte[]? bytes, Func<Stream, CancellationToken, Task>? producer, long length, string etag, string contentType, string? file = null)
    {
        Bytes = bytes;
        _producer = producer;
        _file = file;
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

    /// <summary>
    /// A file streamed from disk. Its strong ETag hashes the path, size and modification time (as static file
    /// servers do), so a big file is not read just to name its version.
    /// </summary>
    public static ResultBody FromFile(string path, string contentType)
    {
        var info = new FileInfo(path);
        string version = $"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
        return new ResultBody(null, null, info.Length, Quote(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(version))), contentType, info.FullName);
    }

    public static async Task<ResultBody> FromProducerAsync(Func<Stream, CancellationToken, Task> producer, string contentType)
    {
        using var sink = new HashingStream();
        await producer(sink, CancellationToken.None);
        return new ResultBody(null, producer, sink.Length, Quote(sink.Hash()), contentType);
    }

    public Task WriteToAsync(Stream destination, CancellationToken ct) =>
        Bytes is not null ? destination.WriteAsync(Bytes, ct).AsTask()
        : _file is not null ? WriteRangeAsync(destination, 0, Length, ct)
        : _producer!(destination, ct);

    /// <summary>Writes bytes <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 (a Range answer).</summary>
    public async Task WriteRangeAsync(Stream destination, long start, long count, CancellationToken ct)
    {
        if (_file is null)
        {
            byte[] all = await ToArrayAsync(ct);
            await destination.WriteAsync(all.AsMemory(checked((int)start), checked((int)count)), ct);
            return;
        }
        await using var file = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Seek(start, SeekOrigin.Begin);
        byte[] buffer = new byte[256 * 1024];
        while (count > 0)
        {
            int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct);
            if (read == 0) throw new IOException($"{_file} is shorter than when it was announced.");
            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            count -= read;
        }
    }

    /// <summary>The whole body in memory (producers are run into a buffer).</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken ct)
    {
        if (Bytes is not null) return Bytes;
        if (_file is not null) return await File.ReadAllBytesAsync(_file, ct);
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
