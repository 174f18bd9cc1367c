using System;
using System.Management.Automation;

namespace Sutro.Export;

/// <summary>A results file that cannot be written where or as asked, with the stable id and category of its ErrorRecord.</summary>
public sealed class ExportException : Exception
{
    public ExportException(string errorId, ErrorCategory category, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
    }

    public string ErrorId { get; }

    public ErrorCategory Category { get; }
}
