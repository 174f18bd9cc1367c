using System;
using System.Management.Automation;
using System.IO;
using Sutro.Results;

namespace Sutro.Export;

/// <summary>
/// Where Export-SutroJobResult writes: a folder (one <c>&lt;job_id&gt;.&lt;ext&gt;</c> file a job) or one file,
/// and what kind of file. The format comes from -Format, else from the file's extension; the two must
/// agree, and an extension that names no results file is refused rather than guessed at.
/// </summary>
internal sealed class ExportDestination
{
    private ExportDestination(string path, bool isFolder, ResultFileKind kind)
    {
        Path = path;
        IsFolder = isFolder;
        Kind = kind;
    }

    /// <summary>The folder, or the file, as a file-system path.</summary>
    public string Path { get; }

    public bool IsFolder { get; }

    public ResultFileKind Kind { get; }

    /// <summary>
    /// Decides from a resolved file-system path. <paramref name="namesFolder"/> is true when the path
    /// was written with a trailing separator (so it can only mean a folder).
    /// </summary>
    public static ExportDestination Create(string path, bool namesFolder, ResultFormat? format)
    {
        if (Directory.Exists(path))
        {
            return new ExportDestination(path, isFolder: true, ResultFileKinds.ForFormat(format ?? ResultFormat.Parquet));
        }

        if (namesFolder)
        {
            throw new ExportException(ErrorIds.OutputFolderNotFound, ErrorCategory.ObjectNotFound,
                $"The folder '{path}' does not exist. Create it first (New-Item -ItemType Directory), or name a file.");
        }

        string? parent = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
        {
            throw new ExportException(ErrorIds.OutputFolderNotFound, ErrorCategory.ObjectNotFound,
                $"The folder '{parent}' does not exist. Create it first (New-Item -ItemType Directory), or choose another path.");
        }

        string extension = System.IO.Path.GetExtension(path);
        ResultFileKind kind = ResultFileKinds.FromExtension(extension)
            ?? throw new ExportException(ErrorIds.UnknownFileExtension, ErrorCategory.InvalidArgument,
                $"Cannot tell which results file to write from the name '{System.IO.Path.GetFileName(path)}'. End the name in .parquet, .json, .csv (the CSV itself) or .zip (the server's zipped CSV), or give a folder.");
        if (format is { } asked && kind.Format() != asked)
        {
            throw new ExportException(ErrorIds.FormatMismatch, ErrorCategory.InvalidArgument,
                $"-Format {asked} does not match the file name '{System.IO.Path.GetFileName(path)}' ({kind.Format()}). Use a {ResultFileKinds.ForFormat(asked).Extension()} name, or leave out -Format.");
        }

        return new ExportDestination(path, isFolder: false, kind);
    }

    /// <summary>The file a job's results go to.</summary>
    public string FileFor(string jobId)
    {
        if (!IsFolder)
        {
            return Path;
        }

        if (jobId is "." or ".." || jobId.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || jobId.Contains('/') || jobId.Contains('\\'))
        {
            throw new ExportException(ErrorIds.JobIdNotAFileName, ErrorCategory.InvalidArgument,
                $"The job id '{jobId}' cannot be used as a file name. Give -Path a file name for this job.");
        }

        return System.IO.Path.Combine(Path, jobId + Kind.Extension());
    }
}
