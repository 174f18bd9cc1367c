using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Sutro.Results.Parquet;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The windowed Snappy inflater (pages too large to inflate whole) gives back exactly the bytes Snappier
/// compressed, however its reads are cut: literals, copies that overlap their source (runs of a period of 1, 2, 3
/// or 7 bytes), output beyond the window, and elements split across input reads; a cut or lying block is refused.
/// </summary>
public class SnappyRawStreamTests
{
    private static byte[] Periodic(int length, int period)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + (i % period));
        }

        return bytes;
    }

    private static byte[] Text(int length)
    {
        var random = new Random(7);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(random.Next(4) switch { 0 => "café Zürich ", 1 => "🚀 \"quoted\", ", 2 => new string('x', random.Next(1, 90)), _ => random.Next().ToString() });
        }

        return Encoding.UTF8.GetBytes(text.ToString())[..length];
    }

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(11).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<string> Inputs() => new() { "empty", "one", "run1", "run2", "run3", "run7", "run8", "run15", "run16", "run17", "run40", "text", "random", "large-text", "large-runs" };

    private static byte[] Input(string name) => name switch
    {
        "empty" => Array.Empty<byte>(),
        "one" => new byte[] { 42 },
        "run1" => Periodic(200_000, 1),
        "run2" => Periodic(200_000, 2),
        "run3" => Periodic(200_000, 3),
        "run7" => Periodic(200_000, 7),
        "run8" => Periodic(200_000, 8),
        "run15" => Periodic(200_000, 15),
        "run16" => Periodic(200_000, 16),
        "run17" => Periodic(200_000, 17),
        "run40" => Periodic(200_000, 40),
        "text" => Text(300_000),
        "random" => Random(300_000),
        "large-text" => Text(5_000_000),
        _ => Enumerable.Range(0, 40).SelectMany(i => Periodic(100_000 + i, 1 + (i % 21))).ToArray(),
    };

    /// <summary>A stream that hands out at most a few bytes a read, so elements are cut across reads.</summary>
    private sealed class Trickle : MemoryStream
    {
        private int _read;

        public Trickle(byte[] bytes) : base(bytes, writable: false)
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1 + (_read++ % 5)));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1 + (_read++ % 5))]);
    }

    private static byte[] Inflate(Stream compressed, int readSize)
    {
        using var stream = new SnappyRawStream(compressed);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void InflatesExactlyWhateverTheReads(string name)
    {
        byte[] input = Input(name);
        byte[] compressed = Snappier.Snappy.CompressToArray(input);
        Assert.Equal(input, Inflate(new MemoryStream(compressed), 1 << 16));
        Assert.Equal(input, Inflate(new MemoryStream(compressed), 13));
        if (input.Length <= 300_000)
        {
            Assert.Equal(input, Inflate(new Trickle(compressed), 4093));
        }
    }

    [Fact]
    public void ABlockCutShortIsRefused()
    {
        byte[] compressed = Snappier.Snappy.CompressToArray(Text(100_000));
        foreach (int cut in new[] { 1, 2, 3, 100, compressed.Length / 2, compressed.Length - 1 })
        {
            var ex = Assert.Throws<ParquetPageException>(() => Inflate(new MemoryStream(compressed[..cut]), 4096));
            Assert.StartsWith("a Snappy page is damaged: it ends ", ex.Message);
        }
    }

    [Fact]
    public void ACopyFromBeforeTheStartIsRefused()
    {
        // Declared length 8; a literal "ab"; then a copy of 4 bytes from 3 back (only 2 bytes exist).
        byte[] block = { 8, 1 << 2, (byte)'a', (byte)'b', 0b000_000_01, 3 };
        var ex = Assert.Throws<ParquetPageException>(() => Inflate(new MemoryStream(block), 64));
        Assert.Equal("a Snappy page is damaged: a back-reference points before its start", ex.Message);
    }

    [Fact]
    public void BytesAfterTheDeclaredLengthAreRefused()
    {
        byte[] compressed = Snappier.Snappy.CompressToArray(Text(1000));
        var ex = Assert.Throws<ParquetPageException>(() => Inflate(new MemoryStream(compressed.Append((byte)0).ToArray()), 64));
        Assert.Equal("a Snappy page is damaged: it holds bytes after its declared length", ex.Message);
    }

    /// <summary>
    /// A block of <paramref name="declared"/> bytes: a literal of the 16 bytes 'a'..'p', then <paramref name="element"/>,
    /// then 32 bytes of literal so the unchecked fast path (which needs input ahead) is the one that meets the element.
    /// </summary>
    private static byte[] Block(int declared, params byte[] element)
    {
        var block = new List<byte> { (byte)declared, 15 << 2 };
        block.AddRange(Enumerable.Range(0, 16).Select(i => (byte)('a' + i)));
        block.AddRange(element);
        block.Add(31 << 2);
        block.AddRange(Enumerable.Repeat((byte)'z', 32));
        return block.ToArray();
    }

    [Theory]
    [InlineData("copy-before-start", "a back-reference points before its start")]
    [InlineData("copy-past-length", "it inflates past its declared length")]
    [InlineData("literal-past-length", "it inflates past its declared length")]
    public void TheFastPathLeavesDamageToTheCheckedOne(string damage, string message)
    {
        byte[] block = damage switch
        {
            // A copy of 4 bytes from 40 back, after only 16 bytes (two offset bytes: 40, 0).
            "copy-before-start" => Block(120, (3 << 2) | 2, 40, 0),
            // A copy of 10 bytes from 16 back where the block declares 20 bytes in all.
            "copy-past-length" => Block(20, (9 << 2) | 2, 16, 0),
            // The first literal alone (16 bytes) is more than the 10 bytes declared.
            _ => Block(10),
        };
        var ex = Assert.Throws<ParquetPageException>(() => Inflate(new MemoryStream(block), 4096));
        Assert.Equal($"a Snappy page is damaged: {message}", ex.Message);
    }

    [Fact]
    public void TheFastPathCopiesExactly()
    {
        // A copy of 64 bytes from 16 back repeats the literal four times; then the 32 bytes of 'z'.
        byte[] block = Block(16 + 64 + 32, (63 << 2) | 2, 16, 0);
        string expected = string.Concat(Enumerable.Repeat("abcdefghijklmnop", 5)) + new string('z', 32);
        Assert.Equal(expected, Encoding.ASCII.GetString(Inflate(new MemoryStream(block), 4096)));
    }
}
