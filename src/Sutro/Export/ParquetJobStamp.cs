using System;
using System.IO;
using Sutro.Results.Parquet;

namespace Sutro.Export;

/// <summary>
/// Records the job id in a saved Parquet file's key-value metadata (<c>sutro.job_id</c>), so Import-SutroJobResult
/// gives the rows their JobId whatever the file is named. Only the footer is rewritten: the data pages stay byte for
/// byte as the server sent them; the footer is rewritten by <see cref="ParquetFooterRewriter"/>, its key-value metadata
/// getting the entry (replacing an earlier one of the same key).
/// </summary>
internal static class ParquetJobStamp
{
    /// <summary>The metadata key that names the job.</summary>
    public const string Key = "sutro.job_id";

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Stamps <paramref name="path"/>; false (the file untouched) for a file with an encrypted footer.</summary>
    public static bool Stamp(string path, string jobId)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(Magic))
        {
            return false;
        }

        int length = BitConverter.ToInt32(tail[..4]);
        long start = file.Length - 8 - length;
        if (length <= 0 || start < 4)
        {
            throw new InvalidDataException("the Parquet footer length is out of range");
        }

        byte[] footer = new byte[length];
        file.Seek(start, SeekOrigin.Begin);
        file.ReadExactly(footer);
        byte[] stamped = Rewrite(footer, jobId);
        file.SetLength(start);
        file.Seek(start, SeekOrigin.Begin);
        file.Write(stamped);
        file.Write(BitConverter.GetBytes(stamped.Length));
        file.Write(Magic);
        return true;
    }

    /// <summary>The footer with the entry added to (or replaced in) its key-value metadata.</summary>
    internal static byte[] Rewrite(byte[] footer, string jobId) =>
        ParquetFooterRewriter.Rewrite(footer, new FooterEdit { SetKey = (Key, jobId) }).Footer;
}
