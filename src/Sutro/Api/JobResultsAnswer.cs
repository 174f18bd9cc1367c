using System;
using System.Buffers;
using System.IO;
using System.Text.Json;

namespace Sutro.Api;

/// <summary>
/// The answer of <c>POST job-results</c>: <c>{"results": {column: [values]}, "message": ...}</c>, which the JSON
/// decoder reads as it is, or, from older servers, <c>{"results": [outputs]}</c>, which is rewritten here as
/// <c>{"outputs": [outputs]}</c>. The file is scanned as a stream, never loaded whole.
/// </summary>
internal static class JobResultsAnswer
{
    /// <summary>Rewrites a bare-list answer in place; returns its new size, or null when it needed nothing.</summary>
    public static long? UnwrapBareList(string path)
    {
        if (FindBareList(path) is not var (start, end))
        {
            return null;
        }

        string rewritten = path + ".outputs";
        try
        {
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var target = new FileStream(rewritten, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                target.Write("{\"outputs\":"u8);
                source.Position = start;
                byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
                try
                {
                    long left = end - start;
                    while (left > 0)
                    {
                        int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (read == 0)
                        {
                            break;
                        }

                        target.Write(buffer, 0, read);
                        left -= read;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                target.Write("}"u8);
            }

            File.Move(rewritten, path, overwrite: true);
            return new FileInfo(path).Length;
        }
        finally
        {
            File.Delete(rewritten);
        }
    }

    /// <summary>The byte range of the top-level <c>results</c> array, or null when <c>results</c> is not an array.</summary>
    internal static (long Start, long End)? FindBareList(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        byte[] buffer = new byte[64 * 1024];
        int length = 0;
        long offset = 0;
        bool final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 4096 });
        bool nextIsResults = false;
        long start = -1;
        try
        {
            while (true)
            {
                if (!final)
                {
                    int read = stream.Read(buffer, length, buffer.Length - length);
                    length += read;
                    final = read == 0;
                }

                var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
                while (reader.Read())
                {
                    long at = offset + reader.TokenStartIndex;
                    if (start < 0)
                    {
                        if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.StartObject)
                        {
                            continue;
                        }

                        if (reader.CurrentDepth == 0)
                        {
                            return null;
                        }

                        if (nextIsResults)
                        {
                            if (reader.TokenType != JsonTokenType.StartArray)
                            {
                                return null;
                            }

                            start = at;
                            nextIsResults = false;
                        }
                        else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            nextIsResults = reader.ValueTextEquals("results"u8);
                        }
                    }
                    else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                    {
                        return (start, at + 1);
                    }
                }

                if (final)
                {
                    return null;
                }

                int consumed = (int)reader.BytesConsumed;
                state = reader.CurrentState;
                offset += consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                length -= consumed;
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
        }
        catch (JsonException)
        {
            // Malformed: left as it is, for the decoder to name what is wrong.
            return null;
        }
    }
}
