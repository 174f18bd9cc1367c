using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.Submission;

/// <summary>
/// The body of a submission, streamed: the fields, then the inputs copied from their spool, then the
/// closing brace. Its length is known beforehand (so it is sent with a Content-Length), it reports the bytes
/// sent, and it says when the last byte has gone (the time allowed for the answer starts then).
/// </summary>
internal sealed class SubmissionContent : HttpContent
{
    private static readonly byte[] Close = "}"u8.ToArray();

    private readonly byte[] _head;
    private readonly InputSpool? _inputs;
    private readonly Action<long, long> _progress;
    private readonly Action _sent;

    public SubmissionContent(byte[] head, InputSpool? inputs, Action<long, long> progress, Action sent)
    {
        _head = head;
        _inputs = inputs;
        _progress = progress;
        _sent = sent;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
    }

    public long Total => _head.Length + (_inputs?.Length ?? 0) + Close.Length;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        long total = Total;
        await stream.WriteAsync(_head, cancellationToken).ConfigureAwait(false);
        _progress(_head.Length, total);
        if (_inputs is not null)
        {
            await _inputs.CopyToAsync(stream, copied => _progress(_head.Length + copied, total), cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(Close, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _progress(total, total);
        _sent();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Total;
        return true;
    }
}
