using System;
using System.IO;
using System.Management.Automation;

namespace Sutro.Http;

/// <summary>
/// Guards a download of no announced size (no Content-Length, no size_bytes): before the first bytes and after
/// every <see cref="CheckEvery"/> bytes it checks the free space where the file goes, and stops the download
/// with <c>InsufficientDiskSpace</c> once less than <see cref="ReserveBytes"/> would be left, so an endless or
/// oversized body never fills the disk.
/// </summary>
internal sealed class DiskReserve
{
    /// <summary>The free space a download never eats into (tests raise it to reach the limit).</summary>
    internal static long ReserveBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bytes written between two checks of the free space.</summary>
    internal const long CheckEvery = 32L * 1024 * 1024;

    private readonly string _path;
    private long _nextCheck;

    public DiskReserve(string path)
    {
        _path = path;
    }

    /// <summary>Throws when writing <paramref name="count"/> more bytes after <paramref name="written"/> would eat into the reserve.</summary>
    public void Require(long written, int count)
    {
        if (written + count < _nextCheck)
        {
            return;
        }

        _nextCheck = written + count + CheckEvery;
        long? free = FreeBytes(_path);
        if (free is { } available && available - CheckEvery < ReserveBytes)
        {
            throw new SutroApiException(ErrorIds.InsufficientDiskSpace, ErrorCategory.WriteError,
                $"The download was stopped after {written} bytes: the server announced no size, and only {available} " +
                $"bytes are free where it goes ({Path.GetDirectoryName(_path)}), less than the {ReserveBytes} bytes the " +
                "module always leaves free. Free some space or point TMPDIR or -Path elsewhere, and check the server.");
        }
    }

    /// <summary>The free space of the folder <paramref name="path"/> is in, or null when it cannot be told.</summary>
    internal static long? FreeBytes(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            return new DriveInfo(Path.GetDirectoryName(full) ?? Path.GetPathRoot(full) ?? "/").AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
