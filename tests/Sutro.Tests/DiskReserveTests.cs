using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Http;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

[Collection(nameof(DiskReserveTests))]
public class DiskReserveTests
{
    /// <summary>A body that never ends and announces no length (chunked).</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'x', offset, count);
            Served += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static SutroApiClient Client() =>
        new(new SutroEndpoint(ApiUrl.Normalize("https://deploy.example.com"), "sk_test", "-ApiUrl/-ApiKey"), _ => { });

    [Fact]
    public async Task AnEndlessBodyOfNoAnnouncedSizeStopsBeforeItEatsTheReserve()
    {
        string path = Path.GetTempFileName();
        long free = DiskReserve.FreeBytes(path)!.Value;
        long saved = DiskReserve.ReserveBytes;
        // Leave less than three check intervals above the reserve: the body must stop within them.
        DiskReserve.ReserveBytes = free - 2 * DiskReserve.CheckEvery;
        try
        {
            var body = new EndlessStream();
            using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
            Assert.Null(response.Content.Headers.ContentLength);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            var ex = await Assert.ThrowsAsync<SutroApiException>(() =>
                Client().CopyBodyAsync(response, file, 0, null, (_, _) => { }, CancellationToken.None));
            Assert.Equal(ErrorIds.InsufficientDiskSpace, ex.ErrorId);
            Assert.StartsWith("The download was stopped after ", ex.Message, StringComparison.Ordinal);
            Assert.InRange(file.Length, 1, 3 * DiskReserve.CheckEvery);
        }
        finally
        {
            DiskReserve.ReserveBytes = saved;
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ABodyOfNoAnnouncedSizeWithRoomToSpareIsCopiedWhole()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] bytes = new byte[300_000];
            new Random(7).NextBytes(bytes);
            using var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StreamContent(new NonSeekable(new MemoryStream(bytes))),
            };
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
            {
                long got = await Client().CopyBodyAsync(response, file, 0, null, (_, _) => { }, CancellationToken.None);
                Assert.Equal(bytes.Length, got);
            }

            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
