using System;
using System.Collections.Generic;

namespace Sutro.Results;

/// <summary>The columns a results body holds, known once the body has been validated.</summary>
public sealed class ResultSchema
{
    public ResultSchema(bool hasInput, bool hasLogprob, IReadOnlyList<string> extraColumns)
    {
        HasInput = hasInput;
        HasLogprob = hasLogprob;
        ExtraColumns = extraColumns;
    }

    public bool HasInput { get; }

    public bool HasLogprob { get; }

    /// <summary>Columns other than inputs, outputs and cumulative_logprobs, in the body's order.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }
}

/// <summary>
/// A run of consecutive rows, column by column. Arrays may be longer than <see cref="Count"/>;
/// only the first <see cref="Count"/> entries are rows. A decoder hands out a new batch each time,
/// so a batch may be consumed on another thread while the next one is decoded.
/// </summary>
public sealed class ResultBatch
{
    public ResultBatch(int capacity, int extraColumns)
    {
        Inputs = new string?[capacity];
        Outputs = new string?[capacity];
        Logprobs = new double?[capacity];
        Extras = new object?[extraColumns][];
        for (int i = 0; i < extraColumns; i++)
        {
            Extras[i] = new object?[capacity];
        }
    }

    public int Count { get; set; }

    public string?[] Inputs { get; }

    public string?[] Outputs { get; }

    public double?[] Logprobs { get; }

    public object?[][] Extras { get; }

    public int Capacity => Outputs.Length;
}
