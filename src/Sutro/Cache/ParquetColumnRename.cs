using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Sutro.Results.Parquet;

namespace Sutro.Cache;

/// <summary>
/// Copies a Parquet file with one top-level column renamed, by rewriting only its footer (the Thrift
/// compact-protocol FileMetaData): the column's schema element and the first entry of each of its chunks'
/// <c>path_in_schema</c>. The data pages, which hold no names and are addressed by offsets from the file's
/// start, are copied byte for byte. The key-value entries that repeat the schema with the old name
/// (<c>ARROW:schema</c>, <c>pandas</c>) are left out, so readers take the names from the Parquet schema.
/// </summary>
internal static class ParquetColumnRename
{
    private static readonly string[] SchemaCopies = { "ARROW:schema", "pandas" };

    /// <summary>Writes <paramref name="source"/> to <paramref name="destination"/> with the column renamed.</summary>
    /// <exception cref="InvalidDataException">The file is not plain Parquet or its footer cannot be rewritten.</exception>
    public static void Copy(string source, Stream destination, string oldName, string newName)
    {
        using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        long length = file.Length;
        if (length < 12)
        {
            throw new InvalidDataException("The file is too short to be Parquet.");
        }

        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual("PAR1"u8))
        {
            throw new InvalidDataException("The file does not end with the Parquet magic (an encrypted or damaged file).");
        }

        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
        {
            throw new InvalidDataException("The Parquet footer length does not fit in the file.");
        }

        byte[] footer = new byte[footerLength];
        file.Seek(-8 - footerLength, SeekOrigin.End);
        file.ReadExactly(footer);
        byte[] renamed = RenameFooter(footer, oldName, newName);

        file.Seek(0, SeekOrigin.Begin);
        CopyBytes(file, destination, length - 8 - footerLength);
        destination.Write(renamed);
        Span<byte> end = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(end, renamed.Length);
        "PAR1"u8.CopyTo(end[4..]);
        destination.Write(end);
    }

    /// <summary>The footer (FileMetaData) with the top-level column <paramref name="oldName"/> renamed.</summary>
    internal static byte[] RenameFooter(byte[] footer, string oldName, string newName)
    {
        var (renamed, count) = ParquetFooterRewriter.Rewrite(footer,
            new FooterEdit { Rename = (oldName, newName), DropKeys = SchemaCopies });
        if (count != 1)
        {
            throw new InvalidDataException($"The Parquet schema has {count} top-level columns named '{oldName}', not one.");
        }

        return renamed;
    }

    private static void CopyBytes(Stream from, Stream to, long count)
    {
        byte[] buffer = new byte[81920];
        while (count > 0)
        {
            int read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0)
            {
                throw new EndOfStreamException("The Parquet file ended before its footer.");
            }

            to.Write(buffer, 0, read);
            count -= read;
        }
    }
}
