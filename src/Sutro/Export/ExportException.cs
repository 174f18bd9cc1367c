using System;
using System.Management.Automation;

namespace Sutro.Export;

/// <summary>A results file that cannot be written where or as asked.</summary>
public sealed class ExportException : SutroException
{
    public ExportException(string errorId, ErrorCategory category, string message, Exception? inner = null)
        : base(errorId, category, message, inner)
    {
    }
}
