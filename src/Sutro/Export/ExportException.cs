using System;

namespace Sutro.Export;

/// <summary>Why a results file cannot be written where or as asked; the name is the ErrorRecord's stable id.</summary>
public enum ExportError
{
    OutputFileExists,
    OutputPathIsFolder,
    OutputFolderNotFound,
    UnknownFileExtension,
    FormatMismatch,
    JobIdNotAFileName,
    PathNotResolved,
    PathNotFileSystem,
    ExportInProgress,
}

/// <summary>A results file that cannot be written where or as asked.</summary>
public sealed class ExportException : Exception
{
    public ExportException(ExportError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    public ExportError Error { get; }

    /// <summary>The ErrorRecord's stable id.</summary>
    public string ErrorId => Error.ToString();
}
