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
    /// <summary>
    /// Rows a decoder puts in one batch. Small on purpose: the strings of a batch are made just before the
    /// pipeline writes them, so the few batches in flight (about 150 KB each for rows of 600 characters) stay
    /// well inside the garbage collector's youngest generation, and a million rows never get copied into older
    /// generations. Batches of thousands of rows made the collector copy most strings and triple the decode time.
    /// </summary>
    public const int DefaultRows = 128;

    public ResultBatch(int capacity, int extraColumns)
    {
        Inputs = new object?[capacity];
        Outputs = new object?[capacity];
        Logprobs = new double?[capacity];
        Extras = new object?[extraColumns][];
        for (int i = 0; i < extraColumns; i++)
        {
            Extras[i] = new object?[capacity];
        }
    }

    public int Count { get; set; }

    /// <summary>Inputs: text, or another value where the column is not text (numbers, lists, structures).</summary>
    public object?[] Inputs { get; }

    /// <summary>Outputs: text, or another value where the column is not text (an embedding's numbers).</summary>
    public object?[] Outputs { get; }

    public double?[] Logprobs { get; }

    public object?[][] Extras { get; }

    public int Capacity => Outputs.Length;
}
