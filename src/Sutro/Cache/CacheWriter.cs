using System;
using System.IO;
using System.Linq;
using System.Threading;
using Sutro.Results;

namespace Sutro.Cache;

/// <summary>
/// Writes a downloaded Parquet result into the cache, only when it is complete for what was asked (an outputs
/// column, and the inputs and logprobs columns when asked for). The outputs column is named
/// <c>inference_result</c>, as the SDK names it in the files it caches, so the SDK reads the module's files and
/// the module reads the SDK's. The file is written beside its final name under a temporary name, owner-only on
/// Unix (0600, in a 0700 folder), read back, then renamed into place: a reader never sees half a file, and no
/// other user can read it at any moment.
/// </summary>
internal static class CacheWriter
{
    /// <summary>The outputs column's name in the SDK's cache files (its default <c>output_column</c>).</summary>
    public const string OutputColumn = "inference_result";

    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Stores <paramref name="downloaded"/> as the job's cache file; returns what was done, for verbose text.
    /// </summary>
    /// <exception cref="IOException">The cache folder or file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder or file could not be written.</exception>
    public static string Store(ResultsCache cache, string jobId, string downloaded, ColumnsAsked asked, CancellationToken cancellationToken)
    {
        string outputName;
        long rows;
        ResultSchema schema;
        bool renameable;
        try
        {
            using var decoder = ParquetResultDecoder.Open(downloaded, new[] { jobId }, cancellationToken);
            (outputName, rows, schema) = (decoder.OutputColumnName, decoder.RowCount, decoder.Schema);
            renameable = !decoder.ColumnNames.Contains(OutputColumn, StringComparer.Ordinal);
        }
        catch (ResultDecodeException ex)
        {
            return $"Job {jobId}: the results are not cached, as the downloaded file cannot be read ({ex.Message}).";
        }

        if ((asked.Inputs && !schema.HasInput) || (asked.Logprobs && !schema.HasLogprob))
        {
            return $"Job {jobId}: the results are not cached, as the downloaded file lacks a column that was asked for " +
                "(inputs or cumulative_logprobs).";
        }

        EnsureFolder(cache.Folder);
        string final = cache.PathFor(jobId);
        string temporary = cache.TemporaryPathFor(jobId);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerFile;
            }

            using (var stream = new FileStream(temporary, options))
            {
                if (outputName != OutputColumn && renameable)
                {
                    ParquetColumnRename.Copy(downloaded, stream, outputName, OutputColumn);
                }
                else
                {
                    using var source = File.OpenRead(downloaded);
                    source.CopyTo(stream);
                }

                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, OwnerFile);
            }

            string? problem = ReadBack(temporary, jobId, rows, schema, cancellationToken);
            if (problem is not null)
            {
                File.Delete(temporary);
                return $"Job {jobId}: the results are not cached, as the cache file did not read back the same ({problem}).";
            }

            File.Move(temporary, final, overwrite: true);
        }
        catch (InvalidDataException ex)
        {
            TryDelete(temporary);
            return $"Job {jobId}: the results are not cached, as the downloaded file's footer cannot be rewritten ({ex.Message}).";
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        return $"Job {jobId}: the results were saved to the results cache, {final}.";
    }

    /// <summary>Null when the written file reads as the download did: the same rows and columns.</summary>
    private static string? ReadBack(string path, string jobId, long rows, ResultSchema schema, CancellationToken cancellationToken)
    {
        try
        {
            using var decoder = ParquetResultDecoder.Open(path, new[] { jobId }, cancellationToken);
            if (decoder.RowCount != rows || decoder.Schema.HasInput != schema.HasInput || decoder.Schema.HasLogprob != schema.HasLogprob
                || !decoder.Schema.ExtraColumns.SequenceEqual(schema.ExtraColumns, StringComparer.Ordinal))
            {
                return "its rows or columns differ";
            }

            return null;
        }
        catch (ResultDecodeException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Creates the folder owner-only on Unix (and a missing <c>.sutro</c> above it); a folder that exists and is open
    /// to other users is made owner-only, as it names the cached jobs.
    /// </summary>
    private static void EnsureFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        if (!Directory.Exists(folder))
        {
            // Each folder made here is owner-only: .sutro too, as Connect-Sutro -Save makes it.
            if (Path.GetDirectoryName(folder) is { } parent && !Directory.Exists(parent))
            {
                Directory.CreateDirectory(parent, OwnerFolder);
            }

            Directory.CreateDirectory(folder, OwnerFolder);
            return;
        }

        if ((File.GetUnixFileMode(folder) & Others) != 0)
        {
            File.SetUnixFileMode(folder, OwnerFolder);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless: it is hidden, and Clear-SutroCache removes it.
        }
    }
}
