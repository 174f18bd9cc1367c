using System;
using System.Text;
using System.Text.Json;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The strings of results values: exactly the text of valid UTF-8 (of any length, through the thread's buffer or
/// the encoding), and a refusal, never U+FFFD, for bytes that are not UTF-8.
/// </summary>
public class Utf8TextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("café, Zürich, Łódź — \"quoted\"\r\n🚀 👍🏽 🇫🇷 \u0000 end")]
    public void ValidTextDecodesExactly(string text) =>
        Assert.Equal(text, Utf8Text.Decode(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(300_000)]
    public void LongValuesOnBothSidesOfTheBufferDecodeExactly(int bytes)
    {
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes - 8)
        {
            text.Append("é🚀ab");
        }

        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes)
        {
            text.Append('x');
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(text.ToString());
        Assert.Equal(bytes, utf8.Length);
        Assert.Equal(text.ToString(), Utf8Text.Decode(utf8));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 })]        // a byte UTF-8 never has
    [InlineData(new byte[] { 0x61, 0xC3 })]              // a sequence cut short at the end
    [InlineData(new byte[] { 0xC0, 0x80 })]              // an overlong encoding of U+0000
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // an encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]  // beyond U+10FFFF
    public void BytesThatAreNotUtf8AreRefused(byte[] bytes) =>
        Assert.Throws<DecoderFallbackException>(() => Utf8Text.Decode(bytes));

    [Fact]
    public void ALongValueThatIsNotUtf8IsRefusedToo()
    {
        byte[] bytes = new byte[100_000];
        bytes.AsSpan().Fill((byte)'a');
        bytes[99_000] = 0xFF;
        Assert.Throws<DecoderFallbackException>(() => Utf8Text.Decode(bytes));
    }

    private static string JsonString(byte[] document)
    {
        var reader = new Utf8JsonReader(document);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.String, reader.TokenType);
        return Utf8Text.Decode(ref reader);
    }

    [Fact]
    public void JsonStringsUnescapeExactly()
    {
        Assert.Equal("line one\nline \"two\" é 🚀 \\ /", JsonString(Encoding.UTF8.GetBytes("\"line one\\nline \\\"two\\\" \\u00e9 \\ud83d\\ude80 \\\\ \\/\"")));
        Assert.Equal("café 🚀", JsonString(Encoding.UTF8.GetBytes("\"café 🚀\"")));
        Assert.Equal(string.Empty, JsonString(Encoding.UTF8.GetBytes("\"\"")));
    }

    [Fact]
    public void JsonStringsThatAreNotUtf8AreRefusedAsTheReaderRefusesThem()
    {
        byte[] plain = { (byte)'"', 0x61, 0xFF, (byte)'"' };
        byte[] escaped = { (byte)'"', (byte)'\\', (byte)'n', 0xFF, (byte)'"' };
        Assert.Throws<InvalidOperationException>(() => JsonString(plain));
        Assert.Throws<InvalidOperationException>(() => JsonString(escaped));
    }
}
