using System;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Sutro.Results;

/// <summary>
/// The one CSV inside a results ZIP, open for reading: the archive must hold exactly one file, and its
/// bytes are checked as they are read (CRC-32 at the end, no ZIP bomb; see <see cref="CheckedZipEntryStream"/>).
/// Reading <see cref="Content"/> can throw <see cref="ResultDecodeException"/> or <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class ZippedCsvEntry : IDisposable
{
    private readonly ZipArchive _archive;

    private ZippedCsvEntry(ZipArchive archive, ZipArchiveEntry entry, Stream content)
    {
        _archive = archive;
        Name = entry.FullName;
        Crc32 = entry.Crc32;
        Length = entry.Length;
        Content = content;
    }

    /// <summary>The CRC-32 the archive's directory gives for the entry.</summary>
    public uint Crc32 { get; }

    /// <summary>The inflated size the archive's directory gives for the entry.</summary>
    public long Length { get; }

    /// <summary>The entry's name inside the archive, e.g. <c>job_12345.csv</c>.</summary>
    public string Name { get; }

    /// <summary>The entry's inflated bytes, exactly as they were zipped.</summary>
    public Stream Content { get; }

    /// <summary>Opens the single entry of a ZIP; takes ownership of <paramref name="file"/>.</summary>
    public static ZippedCsvEntry Open(FileStream file)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException)
        {
            file.Dispose();
            throw new ResultDecodeException($"The CSV results are not a readable ZIP archive: {ex.Message}", ex);
        }

        try
        {
            var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            if (entries.Count != 1)
            {
                throw new ResultDecodeException(entries.Count == 0
                    ? "The CSV results ZIP holds no file; it should hold exactly one CSV."
                    : $"The CSV results ZIP holds {entries.Count} files ({string.Join(", ", entries.Select(e => e.FullName))}); it should hold exactly one CSV.");
            }

            var entry = entries[0];
            var content = new CheckedZipEntryStream(entry.Open(), entry.Crc32, entry.Length, Math.Min(entry.CompressedLength, file.Length));
            return new ZippedCsvEntry(archive, entry, content);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            archive.Dispose();
            throw new ResultDecodeException($"The CSV results ZIP is damaged: {ex.Message}", ex);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Content.Dispose();
        _archive.Dispose();
    }
}
