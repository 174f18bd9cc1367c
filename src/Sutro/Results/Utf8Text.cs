using System;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Sutro.Results;

/// <summary>
/// Makes the strings of results values from their UTF-8 bytes, strictly: invalid UTF-8 throws
/// <see cref="DecoderFallbackException"/>, never becomes U+FFFD. A value of ordinary size is validated and
/// transcoded in one pass into a buffer of the thread, then copied into its string: the encoding's own
/// <c>GetString</c> first counts the characters in a separate validating pass, which on text with accents or emoji
/// every few words costs about as much as the transcoding (the Parquet decoder took a fifth less time without it).
/// </summary>
internal static class Utf8Text
{
    /// <summary>Values up to this many bytes go through the thread's buffer; longer ones through the encoding.</summary>
    private const int BufferedBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [ThreadStatic]
    private static char[]? t_chars;

    // UTF-8 never takes fewer bytes than UTF-16 units, so a buffer of BufferedBytes characters holds any such value.
    private static char[] Chars => t_chars ??= new char[BufferedBytes];

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > BufferedBytes)
        {
            return StrictUtf8.GetString(bytes);
        }

        char[] chars = Chars;
        if (Utf8.ToUtf16(bytes, chars, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            throw new DecoderFallbackException("The text is not valid UTF-8.");
        }

        return new string(chars, 0, written);
    }

    /// <summary>
    /// The string of the token <paramref name="reader"/> is on (a string or property name), unescaped; throws as
    /// <see cref="Utf8JsonReader.GetString"/> does for text that is not valid.
    /// </summary>
    public static string Decode(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (raw.Length > BufferedBytes)
        {
            return reader.GetString()!;
        }

        if (!reader.ValueIsEscaped)
        {
            char[] chars = Chars;
            if (Utf8.ToUtf16(raw, chars, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                // The reader's own message and exception for invalid UTF-8.
                return reader.GetString()!;
            }

            return new string(chars, 0, written);
        }

        // An escape never takes fewer bytes than the characters it stands for.
        int copied = reader.CopyString(Chars);
        return new string(Chars, 0, copied);
    }
}
