using System;
using System.IO;
using System.Linq;
using System.Text;
using Sutro.Results.Parquet;
using Xunit;

namespace Sutro.Tests;

/// <summary>A fact that needs the system's libzstd, skipped (and counted so) where it is missing.</summary>
public sealed class LibZstdFactAttribute : FactAttribute
{
    public LibZstdFactAttribute()
    {
        if (!LibZstd.Available)
        {
            Skip = "the system has no libzstd 1.4 or later, so only ZstdSharp decodes zstd here";
        }
    }
}

/// <summary>
/// The two zstd page decoders, the system's libzstd and ZstdSharp, inflate every frame to the same bytes, whole or
/// streamed in reads of any size, and refuse damaged, cut and over-long bodies with the same words.
/// </summary>
public class ZstdPageDecoderTests
{
    private static byte[] Text(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(random.Next(4) switch { 0 => "café Zürich ", 1 => "🚀 \"quoted\", ", 2 => new string('x', random.Next(1, 90)), _ => random.Next().ToString() });
        }

        return Encoding.UTF8.GetBytes(text.ToString())[..length];
    }

    private static byte[] Compress(byte[] data, int level, bool checksum)
    {
        using var compressor = new ZstdSharp.Compressor(level);
        compressor.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, checksum ? 1 : 0);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>Bodies: (what they inflate to, the compressed bytes).</summary>
    private static (byte[] Plain, byte[] Body) Body(string name)
    {
        byte[] text = Text(3_000_000, 5);
        return name switch
        {
            "level1" => (text, Compress(text, 1, checksum: false)),
            "level19-checksum" => (text, Compress(text, 19, checksum: true)),
            "two-frames" => (text, Compress(text[..1_000_000], 3, false).Concat(Compress(text[1_000_000..], 3, true)).ToArray()),
            "tiny" => (new byte[] { 7 }, Compress(new byte[] { 7 }, 3, true)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static readonly string[] Bodies = { "level1", "level19-checksum", "two-frames", "tiny" };

    private static byte[] ReadAll(Stream stream, int chunk)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = stream.Read(buffer, 0, chunk)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        Assert.Equal(-1, stream.ReadByte());
        return output.ToArray();
    }

    /// <summary>Runs <paramref name="check"/> on every body with every decoder this system has (libzstd where present, ZstdSharp).</summary>
    private static void ForEveryDecoderAndBody(Action<ZstdPageDecoder, string, byte[], byte[]> check)
    {
        foreach (bool native in LibZstd.Available ? new[] { true, false } : new[] { false })
        {
            using var decoder = new ZstdPageDecoder(native);
            foreach (string name in Bodies)
            {
                var (plain, body) = Body(name);
                check(decoder, name, plain, body);
            }
        }
    }

    [Fact]
    public void TheManagedDecoderIsChosenWhereLibZstdIsMissing()
    {
        using var decoder = new ZstdPageDecoder();
        Assert.Equal(LibZstd.Available, decoder.IsNative);
    }

    [Fact]
    public void WholeBodiesInflateExactly() => ForEveryDecoderAndBody((decoder, name, plain, body) =>
    {
        var target = new byte[plain.Length];
        Assert.Equal(plain.Length, decoder.Decompress(body, target));
        Assert.True(plain.AsSpan().SequenceEqual(target), $"{name} (native: {decoder.IsNative})");
    });

    [Fact]
    public void StreamedBodiesInflateExactlyInReadsOfAnySize() => ForEveryDecoderAndBody((decoder, name, plain, body) =>
    {
        foreach (int chunk in new[] { 1, 7, 4096, 1 << 20 })
        {
            if (chunk < 4096 && plain.Length > 100_000)
            {
                // Reads of a byte or a few: the first 200 KB, then the rest in large reads.
                using Stream cut = decoder.Open(new MemoryStream(body));
                var head = new byte[200_000];
                for (int done = 0; done < head.Length;)
                {
                    done += cut.Read(head, done, Math.Min(chunk, head.Length - done));
                }

                Assert.True(plain.AsSpan(0, head.Length).SequenceEqual(head), $"{name} in reads of {chunk} (native: {decoder.IsNative})");
                Assert.True(plain.AsSpan(head.Length).SequenceEqual(ReadAll(cut, 65536)), $"{name} after reads of {chunk} (native: {decoder.IsNative})");
                continue;
            }

            using Stream stream = decoder.Open(new MemoryStream(body));
            Assert.True(plain.AsSpan().SequenceEqual(ReadAll(stream, chunk)), $"{name} in reads of {chunk} (native: {decoder.IsNative})");
        }
    });

    /// <summary>What each decoder says of a body: the bytes it gave, or the type and words of its refusal.</summary>
    private static string Outcome(Func<byte[]> read)
    {
        try
        {
            byte[] bytes = read();
            return $"{bytes.Length} bytes";
        }
        catch (Exception ex)
        {
            return ex is EndOfStreamException ? $"end of stream: {ex.Message}" : $"refused: {ex.Message}";
        }
    }

    [LibZstdFact]
    public void BothDecodersRefuseDamageAlike()
    {
        var (plain, body) = Body("level19-checksum");
        var cases = new (string Name, byte[] Bytes)[]
        {
            ("cut", body[..(body.Length / 2)]),
            ("cut-checksum", body[..^2]),
            ("flipped", body.Select((b, i) => i == body.Length / 3 ? (byte)(b ^ 0x5A) : b).ToArray()),
            ("checksum-wrong", body.Select((b, i) => i == body.Length - 1 ? (byte)(b ^ 1) : b).ToArray()),
            ("not-zstd", Encoding.ASCII.GetBytes("this is not a zstd frame at all")),
        };
        using var native = new ZstdPageDecoder(native: true);
        using var managed = new ZstdPageDecoder(native: false);
        foreach (var (name, bytes) in cases)
        {
            string streamed = Outcome(() => ReadAll(native.Open(new MemoryStream(bytes)), 65536));
            Assert.Equal(Outcome(() => ReadAll(managed.Open(new MemoryStream(bytes)), 65536)), streamed);
            Assert.StartsWith(name.StartsWith("cut", StringComparison.Ordinal) ? "end of stream: Premature end of stream" : "refused: ", streamed);
            string whole = Outcome(() => { var t = new byte[plain.Length]; return t[..native.Decompress(bytes, t)]; });
            Assert.Equal(Outcome(() => { var t = new byte[plain.Length]; return t[..managed.Decompress(bytes, t)]; }), whole);
            Assert.StartsWith("refused: ", whole);
        }

        // A page that declares fewer bytes than its frame holds.
        var small = new byte[plain.Length - 1];
        Assert.Equal(Outcome(() => small[..managed.Decompress(body, small)]), Outcome(() => small[..native.Decompress(body, small)]));
        Assert.Equal("refused: Destination buffer is too small", Outcome(() => small[..native.Decompress(body, small)]));
    }

    [LibZstdFact]
    public void AStreamAfterAFailedOneStartsAfresh()
    {
        var (plain, body) = Body("level1");
        using var native = new ZstdPageDecoder(native: true);
        using (Stream failed = native.Open(new MemoryStream(body[..(body.Length / 2)])))
        {
            Assert.Throws<EndOfStreamException>(() => ReadAll(failed, 65536));
        }

        using Stream next = native.Open(new MemoryStream(body));
        Assert.True(plain.AsSpan().SequenceEqual(ReadAll(next, 65536)));
    }
}
