using System;
using System.Buffers;
using System.IO;
using System.Threading;

namespace Sutro.Results;

/// <summary>
/// Takes the CSV out of a results ZIP, byte for byte, with the same checks the CSV decoder makes:
/// exactly one file in the archive, its CRC-32 matching, no ZIP bomb.
/// </summary>
internal static class ZippedCsvExtractor
{
    /// <summary>Copies the ZIP's single entry into <paramref name="destination"/>; returns the bytes copied.</summary>
    public static long ExtractTo(string zipPath, Stream destination, CancellationToken cancellationToken)
    {
        var file = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var entry = ZippedCsvEntry.Open(file);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        long total = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = entry.Content.Read(buffer.AsSpan());
                if (read == 0)
                {
                    return total;
                }

                destination.Write(buffer.AsSpan(0, read));
                total += read;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ResultDecodeException($"The CSV results ZIP is damaged: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
