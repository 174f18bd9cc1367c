using System;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sutro.Results;

/// <summary>
/// Unescapes a JSON string's content when .NET's own reader refuses it for a lone surrogate escape
/// (<c>\ud800</c>, which Python's <c>json.dumps</c> writes for such text): the string keeps exactly the UTF-16
/// units the escapes name. Bytes outside escapes must still be valid UTF-8.
/// </summary>
internal static class JsonText
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>The text of a string token's raw content (between its quotes); null if it is not valid.</summary>
    public static string? TryUnescape(ReadOnlySpan<byte> raw)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            int written = 0;
            int at = 0;
            while (at < raw.Length)
            {
                int slash = raw[at..].IndexOf((byte)'\\');
                ReadOnlySpan<byte> run = slash < 0 ? raw[at..] : raw.Slice(at, slash);
                try
                {
                    written += StrictUtf8.GetChars(run, chars.AsSpan(written));
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }

                if (slash < 0)
                {
                    break;
                }

                at += slash + 1;
                if (at >= raw.Length)
                {
                    return null;
                }

                byte escape = raw[at++];
                char c;
                switch (escape)
                {
                    case (byte)'"': c = '"'; break;
                    case (byte)'\\': c = '\\'; break;
                    case (byte)'/': c = '/'; break;
                    case (byte)'b': c = '\b'; break;
                    case (byte)'f': c = '\f'; break;
                    case (byte)'n': c = '\n'; break;
                    case (byte)'r': c = '\r'; break;
                    case (byte)'t': c = '\t'; break;
                    case (byte)'u':
                        if (at + 4 > raw.Length
                            || !ushort.TryParse(Encoding.ASCII.GetString(raw.Slice(at, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort unit))
                        {
                            return null;
                        }

                        at += 4;
                        c = (char)unit;
                        break;
                    default:
                        return null;
                }

                chars[written++] = c;
            }

            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>As <see cref="TryUnescape"/>, throwing when the content is not valid.</summary>
    public static string Unescape(ReadOnlySpan<byte> raw) =>
        TryUnescape(raw) ?? throw new ResultDecodeException("A JSON string is not valid text (bad UTF-8 or a bad escape).");
}
