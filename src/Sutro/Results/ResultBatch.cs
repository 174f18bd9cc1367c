using System;
using System.Collections.Generic;

namespace Sutro.Results;

/// <summary>
/// The columns a results body holds, known once the body has been validated. Every decoder builds one, and the
/// extra columns' property names are given here, by one rule (<see cref="Sutro.Rows.PropertyNames"/>): an unnamed
/// column becomes <c>Column1</c>..., and a column named like a standard property (<c>output</c>, <c>Index</c>...,
/// any case) or like an earlier column is shown with the prefix <c>Column_</c>, so it never replaces a standard
/// property.
/// </summary>
public sealed class ResultSchema
{
    /// <summary>Prefix of an extra column whose name is already taken on the row.</summary>
    public const string ClashPrefix = "Column_";

    public ResultSchema(bool hasInput, bool hasLogprob, IReadOnlyList<string> extraColumns)
    {
        HasInput = hasInput;
        HasLogprob = hasLogprob;
        ExtraColumns = extraColumns;
        var names = new Sutro.Rows.PropertyNames(ClashPrefix, Sutro.Rows.PropertyNames.Standard);
        var properties = new string[extraColumns.Count];
        var renamed = new List<(string Column, string Property)>();
        for (int i = 0; i < properties.Length; i++)
        {
            properties[i] = names.Assign(extraColumns[i]);
            if (!string.Equals(properties[i], extraColumns[i], StringComparison.Ordinal))
            {
                renamed.Add((extraColumns[i], properties[i]));
            }
        }

        PropertyNames = properties;
        Renamed = renamed;
    }

    public bool HasInput { get; }

    public bool HasLogprob { get; }

    /// <summary>Columns other than inputs, outputs and cumulative_logprobs, in the body's order, as the body names them.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>The property each extra column becomes on a row, in the order of <see cref="ExtraColumns"/>.</summary>
    public IReadOnlyList<string> PropertyNames { get; }

    /// <summary>The extra columns whose property name differs from their name: unnamed ones and clashes.</summary>
    public IReadOnlyList<(string Column, string Property)> Renamed { get; }
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

/// <summary>Limits every results format shares.</summary>
public static class ResultLimits
{
    /// <summary>
    /// The longest value (16 Mi characters) a results file may hold, in every format; in CSV the limit is for a
    /// whole row, as the CSV parser holds a row at a time.
    /// </summary>
    public const int MaxValueChars = 16 * 1024 * 1024;
}
