using System;
using System.IO;
using System.Management.Automation;
using System.Text.Json;

namespace Sutro.Export;

/// <summary>
/// A Parquet download kept beside its target between runs, so the next run of the same command resumes
/// it: <c>&lt;target&gt;.sutro-partial</c> holds the bytes so far, <c>&lt;target&gt;.sutro-partial.json</c> says
/// what they are (job id, include flags, the storage's ETag and the announced size; never the link).
/// While a run works on them it holds <c>&lt;target&gt;.sutro-partial.lock</c> open exclusively (see <see cref="Lock"/>),
/// so a second run for the same target fails at once instead of resuming, truncating or deleting them.
/// </summary>
internal sealed class PartialDownload
{
    private const string DataSuffix = ".sutro-partial";
    private const string StateSuffix = ".sutro-partial.json";
    private const string LockSuffix = ".sutro-partial.lock";

    public PartialDownload(string target)
    {
        Target = target;
        DataPath = target + DataSuffix;
        StatePath = target + StateSuffix;
        LockPath = target + LockSuffix;
    }

    /// <summary>The file the download becomes.</summary>
    public string Target { get; }

    /// <summary>The file held open, exclusively, while a run works on the partial download.</summary>
    public string LockPath { get; }

    /// <summary>
    /// Claims the partial download for this run until the returned object is disposed (which deletes the lock
    /// file). The claim is an open handle with no sharing (an exclusive lock on Unix), so it ends with the
    /// process, whatever way it ends.
    /// </summary>
    /// <exception cref="ExportException">ExportInProgress: another run (in any process) holds it.</exception>
    public IDisposable Lock()
    {
        for (int attempt = 0; ; attempt++)
        {
            FileStream held;
            try
            {
                held = new FileStream(LockPath, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    Options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None,
                });
            }
            catch (IOException) when (File.Exists(LockPath))
            {
                throw new ExportException(ErrorIds.ExportInProgress, ErrorCategory.ResourceBusy,
                    $"Another export of this file is running: '{Target}' is being downloaded by another " +
                    "Export-SutroJobResult (in this or another PowerShell). Wait for it to finish, or choose another path.");
            }

            // A run that finished between our open and our lock deleted the file we hold: claim a fresh one.
            if (File.Exists(LockPath) || attempt == 2)
            {
                return new Claim(held, LockPath);
            }

            held.Dispose();
        }
    }

    private sealed class Claim : IDisposable
    {
        private readonly FileStream _held;
        private readonly string _path;

        public Claim(FileStream held, string path)
        {
            _held = held;
            _path = path;
        }

        public void Dispose()
        {
            // Deleted while still held, so no other run can claim this file before it is gone.
            if (!OperatingSystem.IsWindows())
            {
                StagedFile.DeleteQuietly(_path);
            }

            _held.Dispose();
        }
    }

    /// <summary>The bytes downloaded so far.</summary>
    public string DataPath { get; }

    /// <summary>The small JSON file describing them.</summary>
    public string StatePath { get; }

    /// <summary>
    /// How many bytes of the file <paramref name="identity"/> (with <paramref name="sizeBytes"/> announced) are
    /// already here, and the ETag they were served with; 0 and null when nothing usable is left (anything stale
    /// is deleted). A complete leftover is reported one byte short, so the last byte is fetched again and the
    /// storage confirms the ETag before it is kept.
    /// </summary>
    public long ResumableBytes(Identity identity, long sizeBytes, out string? etag)
    {
        etag = null;
        var state = ReadState();
        long have = File.Exists(DataPath) ? new FileInfo(DataPath).Length : 0;
        if (state is null || state.ETag is null || state.Identity != identity || state.SizeBytes != sizeBytes || have <= 0 || have > sizeBytes)
        {
            Discard();
            return 0;
        }

        etag = state.ETag;
        return have == sizeBytes ? sizeBytes - 1 : have;
    }

    /// <summary>Records what the data file holds (before its bytes arrive, so a cut leaves it resumable).</summary>
    public void SaveState(Identity identity, string etag, long sizeBytes)
    {
        var state = new State(identity, etag, sizeBytes);
        string temporary = StatePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("job_id", state.Identity.JobId);
            writer.WriteBoolean("include_inputs", state.Identity.IncludeInputs);
            writer.WriteBoolean("include_cumulative_logprobs", state.Identity.IncludeCumulativeLogprobs);
            writer.WriteString("etag", state.ETag);
            writer.WriteNumber("size_bytes", state.SizeBytes);
            writer.WriteEndObject();
        }

        File.Move(temporary, StatePath, overwrite: true);
    }

    /// <summary>Deletes the description only (the data file is then no longer resumable).</summary>
    public void ForgetState() => StagedFile.DeleteQuietly(StatePath);

    /// <summary>Deletes both files.</summary>
    public void Discard()
    {
        StagedFile.DeleteQuietly(DataPath);
        StagedFile.DeleteQuietly(StatePath);
    }

    private State? ReadState()
    {
        try
        {
            if (!File.Exists(StatePath))
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(StatePath));
            var root = document.RootElement;
            return new State(
                new Identity(root.GetProperty("job_id").GetString() ?? string.Empty,
                    root.GetProperty("include_inputs").GetBoolean(),
                    root.GetProperty("include_cumulative_logprobs").GetBoolean()),
                root.GetProperty("etag").GetString(),
                root.GetProperty("size_bytes").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or System.Collections.Generic.KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>What was asked for: the same job with the same flags is the same file.</summary>
    public readonly record struct Identity(string JobId, bool IncludeInputs, bool IncludeCumulativeLogprobs);

    private sealed record State(Identity Identity, string? ETag, long SizeBytes);
}
