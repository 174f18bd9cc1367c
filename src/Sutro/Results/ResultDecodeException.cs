using System;

namespace Sutro.Results;

/// <summary>
/// A results body that cannot be decoded. The message names the problem and, where known,
/// the row or byte position; no row of that body is emitted.
/// </summary>
public sealed class ResultDecodeException : Exception
{
    public ResultDecodeException(string message) : base(message)
    {
    }

    public ResultDecodeException(string message, Exception inner) : base(message, inner)
    {
    }
}
