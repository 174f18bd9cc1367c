using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Sutro.Results.Parquet;

/// <summary>
/// The operating system's libzstd (the reference implementation, present on most Linux systems and on macOS with
/// Homebrew), bound at run time when it is there and new enough. It inflates zstd pages with 55-60% of the CPU of
/// ZstdSharp, which stays the decoder wherever libzstd is missing (Windows among them), older than 1.4, or turned
/// off with the environment variable <c>SUTRO_ZSTD=managed</c>. Only the library's own name is looked up on the
/// system's library path, never a file of the working folder.
/// </summary>
internal static unsafe class LibZstd
{
    private const uint MinimumVersion = 10400;

    private static readonly delegate* unmanaged<nint> s_createDCtx;
    private static readonly delegate* unmanaged<nint, nuint> s_freeDCtx;
    private static readonly delegate* unmanaged<nint, int, nuint> s_reset;
    private static readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> s_decompressDCtx;
    private static readonly delegate* unmanaged<nint, OutBuffer*, InBuffer*, nuint> s_decompressStream;
    private static readonly delegate* unmanaged<nuint, uint> s_isError;
    private static readonly delegate* unmanaged<nuint, nint> s_getErrorName;

    static LibZstd()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("SUTRO_ZSTD"), "managed", StringComparison.OrdinalIgnoreCase)
            || OperatingSystem.IsWindows())
        {
            return;
        }

        string name = OperatingSystem.IsMacOS() ? "libzstd.1.dylib" : "libzstd.so.1";
        if (!NativeLibrary.TryLoad(name, out nint library))
        {
            return;
        }

        try
        {
            var version = (delegate* unmanaged<uint>)NativeLibrary.GetExport(library, "ZSTD_versionNumber");
            if (version() < MinimumVersion)
            {
                return;
            }

            s_createDCtx = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "ZSTD_createDCtx");
            s_freeDCtx = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(library, "ZSTD_freeDCtx");
            s_reset = (delegate* unmanaged<nint, int, nuint>)NativeLibrary.GetExport(library, "ZSTD_DCtx_reset");
            s_decompressDCtx = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)NativeLibrary.GetExport(library, "ZSTD_decompressDCtx");
            s_decompressStream = (delegate* unmanaged<nint, OutBuffer*, InBuffer*, nuint>)NativeLibrary.GetExport(library, "ZSTD_decompressStream");
            s_isError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(library, "ZSTD_isError");
            s_getErrorName = (delegate* unmanaged<nuint, nint>)NativeLibrary.GetExport(library, "ZSTD_getErrorName");
            Available = true;
        }
        catch (EntryPointNotFoundException)
        {
            Available = false;
        }
    }

    /// <summary>Whether libzstd was found and bound; when false, every call here is invalid.</summary>
    public static bool Available { get; }

    /// <summary>A decompression context, freed when its handle is disposed (or finalized).</summary>
    public static Context CreateContext()
    {
        nint dctx = s_createDCtx();
        if (dctx == 0)
        {
            throw new OutOfMemoryException("libzstd could not allocate a decompression context.");
        }

        return new Context(dctx);
    }

    /// <summary>Inflates whole frames of <paramref name="source"/> into <paramref name="target"/>; returns the bytes written.</summary>
    /// <exception cref="InvalidDataException">The bytes are not zstd, are damaged, or inflate to more than the target holds.</exception>
    public static int Decompress(Context context, ReadOnlySpan<byte> source, Span<byte> target)
    {
        nuint result;
        fixed (byte* src = source)
        fixed (byte* dst = target)
        {
            result = s_decompressDCtx(context.Pointer, dst, (nuint)target.Length, src, (nuint)source.Length);
        }

        GC.KeepAlive(context);
        Check(result);
        return (int)result;
    }

    /// <summary>Forgets a frame left half-read (by a page that failed), keeping the context's buffers.</summary>
    public static void Reset(Context context)
    {
        // ZSTD_reset_session_only
        Check(s_reset(context.Pointer, 1));
        GC.KeepAlive(context);
    }

    /// <summary>One step of streaming decompression, as ZSTD_decompressStream; returns its hint (0: a frame is complete).</summary>
    private static nuint DecompressStream(Context context, ref OutBuffer output, ref InBuffer input)
    {
        nuint result;
        fixed (OutBuffer* o = &output)
        fixed (InBuffer* i = &input)
        {
            result = s_decompressStream(context.Pointer, o, i);
        }

        GC.KeepAlive(context);
        Check(result);
        return result;
    }

    private static void Check(nuint result)
    {
        if (s_isError(result) != 0)
        {
            // The same texts as ZstdSharp's (a port of the same library), e.g. "Data corruption detected", and like
            // its exception not a page error of the reader's own, so the callers word both alike.
            throw new InvalidDataException(Marshal.PtrToStringAnsi(s_getErrorName(result)) ?? "zstd error");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>A ZSTD_DCtx of libzstd.</summary>
    internal sealed class Context : SafeHandle
    {
        public Context(nint dctx)
            : base(0, ownsHandle: true) => SetHandle(dctx);

        public override bool IsInvalid => handle == 0;

        public nint Pointer => handle;

        protected override bool ReleaseHandle()
        {
            s_freeDCtx(handle);
            return true;
        }
    }

    /// <summary>
    /// Inflates a page body as it is read, for pages too large to hold whole. Like ZstdSharp's stream with
    /// checkEndOfStream, it refuses a body that ends inside a frame. It leaves the compressed stream and the context
    /// to its caller; its input buffer comes from the shared array pool and goes back when it is disposed.
    /// </summary>
    internal sealed class Stream : ForwardOnlyStream
    {
        private readonly System.IO.Stream _compressed;
        private readonly Context _context;
        private byte[] _input = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 17);
        private int _inputPos;
        private int _inputEnd;
        private bool _compressedEnded;
        private nuint _lastResult;
        private bool _drained = true;
        private long _handed;

        public Stream(System.IO.Stream compressed, Context context)
        {
            _compressed = compressed;
            _context = context;
            Reset(context);
        }

        protected override long BytesRead => _handed;

        protected override void Dispose(bool disposing)
        {
            if (disposing && _input.Length > 0)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(_input);
                _input = Array.Empty<byte>();
            }

            base.Dispose(disposing);
        }

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0)
            {
                return 0;
            }

            while (true)
            {
                if (_inputPos == _inputEnd && !_compressedEnded)
                {
                    _inputPos = 0;
                    _inputEnd = _compressed.Read(_input, 0, _input.Length);
                    _compressedEnded = _inputEnd == 0;
                }

                bool atEnd = _inputPos == _inputEnd && _compressedEnded;
                if (atEnd && _drained)
                {
                    return End();
                }

                int written;
                fixed (byte* dst = buffer)
                fixed (byte* src = _input)
                {
                    var output = new OutBuffer { Destination = dst, Size = (nuint)buffer.Length };
                    var input = new InBuffer { Source = src, Size = (nuint)_inputEnd, Position = (nuint)_inputPos };
                    nuint result = DecompressStream(_context, ref output, ref input);
                    written = (int)output.Position;

                    // A call that found nothing to do after a complete frame says how much of a next frame it
                    // wants; that frame need not come, so such an answer does not undo the completed one.
                    if (result == 0 || written > 0 || (int)input.Position > _inputPos)
                    {
                        _lastResult = result;
                    }

                    _inputPos = (int)input.Position;
                }

                // A full buffer may leave inflated bytes inside the context: the next call flushes them.
                _drained = written < buffer.Length;
                if (written > 0)
                {
                    _handed += written;
                    return written;
                }

                if (atEnd)
                {
                    return End();
                }
            }
        }

        private int End() => _lastResult == 0 ? 0 : throw new EndOfStreamException("Premature end of stream");

    }
}
