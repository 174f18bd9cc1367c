using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.Submission;

/// <summary>
/// The inputs of a batch, written to a temporary file as they arrive, so memory stays flat however many
/// there are. The file holds them as one JSON array (strings, or objects for object rows), ready to be the
/// <c>inputs</c> of a request body; <see cref="ReplayAsync"/> reads them back in order. The file is deleted
/// when the spool is disposed (or, failing that, when the process ends).
/// </summary>
internal sealed class InputSpool : IDisposable
{
    private const int FlushAbove = 256 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The body is JSON for an API, never HTML: only what JSON requires is escaped, so text in any
        // language costs its UTF-8 size, not six bytes a character.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly FileStream _file;
    private readonly Utf8JsonWriter _writer;
    private bool _completed;

    public InputSpool(string? directory = null)
    {
        string path = Path.Combine(directory ?? Path.GetTempPath(), $"sutro-inputs-{Guid.NewGuid():N}.json");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose);
        _writer = new Utf8JsonWriter(_file, WriterOptions);
        _writer.WriteStartArray();
    }

    /// <summary>How many inputs the spool holds.</summary>
    public long Count { get; private set; }

    /// <summary>The size of the JSON array in bytes, once <see cref="Complete"/> has been called.</summary>
    public long Length => _completed ? _file.Length : throw new InvalidOperationException("The spool is still being written.");

    /// <summary>Adds one text input.</summary>
    public void AddText(string text) => Add(w => w.WriteStringValue(text));

    /// <summary>Adds one input written by <paramref name="write"/> as a single JSON value (an object row).</summary>
    public void Add(Action<Utf8JsonWriter> write)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The spool is complete; no more inputs can be added.");
        }

        write(_writer);
        Count++;
        if (_writer.BytesPending > FlushAbove)
        {
            _writer.Flush();
        }
    }

    /// <summary>Closes the array: no more inputs; the spool can now be sent and replayed.</summary>
    public void Complete()
    {
        if (!_completed)
        {
            _writer.WriteEndArray();
            _writer.Flush();
            _completed = true;
        }
    }

    /// <summary>Copies the JSON array to <paramref name="destination"/>, reporting the bytes copied so far.</summary>
    public async Task CopyToAsync(Stream destination, Action<long> copied, CancellationToken cancellationToken)
    {
        Complete();
        _file.Position = 0;
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await _file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            total += read;
            copied(total);
        }
    }

    /// <summary>The inputs in the order they were added, read back one at a time from the file.</summary>
    public async IAsyncEnumerable<JsonElement> ReplayAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Complete();
        _file.Position = 0;
        await foreach (JsonElement input in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(
            new NonClosingStream(_file), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return input;
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    /// <summary>Lets a reader close its view of the file without closing (and so deleting) the file.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
