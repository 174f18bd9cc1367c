using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using global::Parquet.Meta;

namespace Sutro.Results.Parquet;

/// <summary>
/// Reads one top-level list, struct or map column page by page: each of its leaves has its own cursor, a row's
/// entries are read from every leaf, and the row's value is assembled from their levels (record assembly as in
/// parquet-format's Dremel encoding). Lists become arrays, structs and maps ordered dictionaries (struct fields in
/// schema order, map entries in file order); an empty list is an empty array, a missing one null. For the outputs
/// and inputs a list of numbers is a [double[]], as the JSON body gives it.
/// </summary>
internal sealed class ParquetNestedColumn : IDisposable
{
    private readonly ParquetNode _root;
    private readonly ParquetColumnCursor[] _cursors;
    private readonly RowEntries[] _rows;
    private readonly bool _numbersAsDoubles;
    private readonly int[] _starts;
    private readonly int[] _ends;

    public ParquetNestedColumn(ParquetNode root, IReadOnlyList<ParquetLeaf> leaves, string path, bool numbersAsDoubles)
    {
        _root = root;
        _numbersAsDoubles = numbersAsDoubles;
        _cursors = new ParquetColumnCursor[leaves.Count];
        _rows = new RowEntries[leaves.Count];
        _starts = new int[leaves.Count];
        _ends = new int[leaves.Count];
        try
        {
            for (int i = 0; i < leaves.Count; i++)
            {
                _cursors[i] = new ParquetColumnCursor(leaves[i], path);
                _rows[i] = new RowEntries();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Start(RowGroup group, long rows)
    {
        foreach (var cursor in _cursors)
        {
            int index = cursor.Leaf.Index;
            if (index >= group.Columns.Count)
            {
                throw new ParquetPageException($"a row group has {group.Columns.Count} column chunks where the schema has {index + 1} leaves or more");
            }

            cursor.Start(group.Columns[index], rows);
        }
    }

    /// <summary>The next <paramref name="count"/> rows' values; a failure says how many were read before it.</summary>
    public void Read(int count, object?[] target)
    {
        int i = 0;
        try
        {
            for (; i < count; i++)
            {
                for (int l = 0; l < _cursors.Length; l++)
                {
                    _cursors[l].ReadRow(_rows[l]);
                    _starts[l] = 0;
                    _ends[l] = _rows[l].Count;
                }

                target[i] = Build(_root, _starts, _ends, _numbersAsDoubles);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ParquetRowFailure(i, ex);
        }
    }

    public void Finish()
    {
        foreach (var cursor in _cursors)
        {
            cursor.Finish();
        }
    }

    /// <summary>The value of <paramref name="node"/> from its leaves' entries in [starts, ends).</summary>
    private object? Build(ParquetNode node, int[] starts, int[] ends, bool top)
    {
        RowEntries first = _rows[node.FirstLeaf];
        int at = starts[node.FirstLeaf];
        int def = first.Def[at];
        if (def < node.DefLevel)
        {
            RequireOne(node, starts, ends);
            return null;
        }

        switch (node.Kind)
        {
            case NodeKind.Leaf:
                RequireOne(node, starts, ends);
                return node.Leaf!.Kind == LeafKind.Double ? first.Numbers[at] : first.Values[at];
            case NodeKind.Struct:
                {
                    var fields = new OrderedDictionary(node.Children.Length);
                    foreach (var child in node.Children)
                    {
                        fields[child.Name] = Build(child, starts, ends, top: false);
                    }

                    return fields;
                }

            default:
                if (def < node.ItemDefLevel)
                {
                    RequireOne(node, starts, ends);
                    return node.Kind == NodeKind.Map ? new OrderedDictionary()
                        : top && node.IsListOfNumbers ? Array.Empty<double>() : Array.Empty<object?>();
                }

                if (top && node.IsListOfDoubles && node.LeafCount == 1 && Doubles(node, starts, ends) is { } doubles)
                {
                    return doubles;
                }

                return node.Kind == NodeKind.Map ? BuildMap(node, starts, ends) : BuildList(node, starts, ends, top);
        }
    }

    /// <summary>A list of doubles with no null element, read straight from the leaf (an embedding); else null.</summary>
    private double[]? Doubles(ParquetNode node, int[] starts, int[] ends)
    {
        RowEntries entries = _rows[node.FirstLeaf];
        int start = starts[node.FirstLeaf];
        int end = ends[node.FirstLeaf];
        int max = node.Children[0].Leaf!.MaxDef;
        for (int i = start; i < end; i++)
        {
            if (entries.Def[i] != max || (i > start && entries.Rep[i] != node.RepLevel))
            {
                return null;
            }
        }

        return entries.Numbers.AsSpan(start, end - start).ToArray();
    }

    private object BuildList(ParquetNode node, int[] starts, int[] ends, bool top)
    {
        var items = new List<object?>();
        ForEachItem(node, starts, ends, (subStarts, subEnds) => items.Add(Build(node.Children[0], subStarts, subEnds, top: false)));
        if (top && items.Count > 0 && items.TrueForAll(IsNumber))
        {
            var numbers = new double[items.Count];
            for (int i = 0; i < numbers.Length; i++)
            {
                numbers[i] = Convert.ToDouble(items[i], System.Globalization.CultureInfo.InvariantCulture);
            }

            return numbers;
        }

        return items.ToArray();
    }

    private static bool IsNumber(object? value) => value is double or float or long or int or short or sbyte or byte or decimal;

    private object BuildMap(ParquetNode node, int[] starts, int[] ends)
    {
        var map = new OrderedDictionary();
        ForEachItem(node, starts, ends, (subStarts, subEnds) =>
        {
            object key = Build(node.Children[0], subStarts, subEnds, top: false)
                ?? throw new ParquetPageException($"the map '{node.Name}' holds an entry without a key");
            map[key] = node.Children.Length > 1 ? Build(node.Children[1], subStarts, subEnds, top: false) : null;
        });
        return map;
    }

    /// <summary>
    /// Splits each leaf's entries into the list's items (an item starts where the repetition level is the list's
    /// own or lower) and hands each item's ranges on; every leaf must hold the same number of items.
    /// </summary>
    private void ForEachItem(ParquetNode node, int[] starts, int[] ends, Action<int[], int[]> onItem)
    {
        int firstLeaf = node.FirstLeaf;
        int leaves = node.LeafCount;
        var bounds = new List<int>[leaves];
        for (int l = 0; l < leaves; l++)
        {
            RowEntries entries = _rows[firstLeaf + l];
            var list = new List<int>();
            int start = starts[firstLeaf + l];
            int end = ends[firstLeaf + l];
            for (int i = start; i < end; i++)
            {
                if (i == start || entries.Rep[i] <= node.RepLevel)
                {
                    if (entries.Def[i] < node.ItemDefLevel)
                    {
                        throw new ParquetPageException($"the list '{node.Name}' has an item marked as missing");
                    }

                    list.Add(i);
                }
            }

            if (l > 0 && list.Count != bounds[0].Count)
            {
                throw new ParquetPageException($"the fields of '{node.Name}' disagree on its number of items ({bounds[0].Count} and {list.Count})");
            }

            bounds[l] = list;
        }

        var subStarts = (int[])starts.Clone();
        var subEnds = (int[])ends.Clone();
        for (int k = 0; k < bounds[0].Count; k++)
        {
            for (int l = 0; l < leaves; l++)
            {
                subStarts[firstLeaf + l] = bounds[l][k];
                subEnds[firstLeaf + l] = k + 1 < bounds[l].Count ? bounds[l][k + 1] : ends[firstLeaf + l];
            }

            onItem(subStarts, subEnds);
        }
    }

    /// <summary>A null value, an empty list or a leaf value must be exactly one entry in each of its leaves.</summary>
    private void RequireOne(ParquetNode node, int[] starts, int[] ends)
    {
        for (int l = node.FirstLeaf; l < node.FirstLeaf + node.LeafCount; l++)
        {
            if (ends[l] - starts[l] != 1)
            {
                throw new ParquetPageException($"the levels of '{node.Name}' give {ends[l] - starts[l]} entries where one belongs");
            }
        }
    }

    public void Dispose()
    {
        foreach (var cursor in _cursors)
        {
            cursor?.Dispose();
        }
    }
}
