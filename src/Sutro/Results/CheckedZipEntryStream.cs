using System;
using System.IO;
using System.IO.Hashing;

namespace Sutro.Results;

/// <summary>
/// Reads a ZIP entry and checks what the archive promises: the CRC-32 of the inflated bytes (checked
/// when the entry ends; ZipArchive does not check it), the entry's claimed size, and a sane inflation,
/// refusing a ZIP bomb (a few hundred KB that would inflate to gigabytes). Real CSV results compress by
/// well under 200:1.
/// </summary>
internal sealed class CheckedZipEntryStream : ForwardOnlyStream
{
    /// <summary>Inflated bytes always allowed, whatever the ratio.</summary>
    internal const long FreeBytes = 64L * 1024 * 1024;

    /// <summary>Largest inflated:compressed ratio accepted beyond <see cref="FreeBytes"/>.</summary>
    internal const long MaxRatio = 200;

    private readonly Stream _inner;
    private readonly uint _expectedCrc;
    private readonly long _claimedLength;
    private readonly long _limit;
    private readonly Crc32 _crc = new();
    private long _read;
    private bool _checked;

    public CheckedZipEntryStream(Stream inner, uint expectedCrc, long claimedLength, long compressedLength)
    {
        _inner = inner;
        _expectedCrc = expectedCrc;
        _claimedLength = claimedLength;
        _limit = Math.Max(FreeBytes, compressedLength * MaxRatio);
    }

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        if (read == 0)
        {
            if (!_checked && buffer.Length > 0)
            {
                _checked = true;
                uint actual = _crc.GetCurrentHashAsUInt32();
                if (actual != _expectedCrc)
                {
                    throw new ResultDecodeException(
                        $"The CSV results ZIP is damaged (checksum mismatch: the entry's CRC-32 is {actual:x8}, the archive says {_expectedCrc:x8}). Download it again.");
                }

                if (_read != _claimedLength)
                {
                    throw new ResultDecodeException(
                        $"The CSV results ZIP is damaged: its entry claims {_claimedLength} bytes but holds {_read}. Download it again.");
                }
            }

            return 0;
        }

        _crc.Append(buffer[..read]);
        _read += read;
        if (_read > _limit)
        {
            throw new ResultDecodeException(
                $"The CSV results ZIP inflates to more than {_limit / (1024 * 1024)} MB from a much smaller file (more than {MaxRatio}:1); refusing it as a likely ZIP bomb.");
        }

        return read;
    }

    protected override long BytesRead => _read;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
