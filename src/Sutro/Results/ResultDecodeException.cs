using System;
using System.Management.Automation;

namespace Sutro.Results;

/// <summary>
/// A results body that cannot be decoded (<see cref="ErrorIds.ResultDecodeFailed"/>, InvalidData). The message
/// names the problem and, where known, the row or byte position; no row of that body is emitted.
/// </summary>
public sealed class ResultDecodeException : SutroException
{
    public ResultDecodeException(string message)
        : base(ErrorIds.ResultDecodeFailed, ErrorCategory.InvalidData, message)
    {
    }

    public ResultDecodeException(string message, Exception inner)
        : base(ErrorIds.ResultDecodeFailed, ErrorCategory.InvalidData, message, inner)
    {
    }
}
