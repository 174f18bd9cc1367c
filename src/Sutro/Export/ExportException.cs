using System;
using System.Management.Automation;

namespace Sutro.Export;

/// <summary>A results file that cannot be written where or as asked.</summary>
public sealed class ExportException : SutroException
{
    public ExportException(string errorId, string message, Exception? inner = null)
        : base(errorId, CategoryOf(errorId), message, inner)
    {
    }

    private static ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        ErrorIds.OutputFileExists or ErrorIds.OutputPathIsFolder => ErrorCategory.ResourceExists,
        ErrorIds.OutputFolderNotFound => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.InvalidArgument,
    };
}
