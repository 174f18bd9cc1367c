using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;
using Sutro.Results.Parquet;

namespace Sutro.Results;

/// <summary>
/// Decodes the Parquet results. Parquet.Net reads the footer and the schema; the flat columns (text, numbers,
/// booleans, dates, decimals, UUIDs, binary) are read by the module's own page reader a page at a time
/// (<see cref="ParquetColumnCursor"/>), so memory stays flat whatever the row-group size. Columns it does not
/// read (nested lists, structs and maps, or a codec or encoding it does not know) are read by Parquet.Net a whole
/// row group at a time. Outputs are the column named after the job id, <c>outputs</c>, <c>inference_result</c>,
/// or else the only text column left; logprobs may be DOUBLE or FLOAT.
/// </summary>
public sealed class ParquetResultDecoder : IResultDecoder
{
    private readonly string _path;
    private readonly FileStream _file;
    private readonly ParquetReader _reader;
    private readonly Column _outputs;
    private readonly Column? _inputs;
    private readonly Column? _logprobs;
    private readonly Column[] _extras;
    private readonly long[] _groupStarts;

    private ParquetResultDecoder(string path, FileStream file, ParquetReader reader, Column outputs, Column? inputs, Column? logprobs, Column[] extras, string? outputJobId)
    {
        _path = path;
        _file = file;
        _reader = reader;
        _outputs = outputs;
        _inputs = inputs;
        _logprobs = logprobs;
        _extras = extras;
        OutputColumnJobId = outputJobId;
        Schema = new ResultSchema(inputs is not null, logprobs is not null, extras.Select(e => e.Name).ToArray());
        var groups = reader.Metadata!.RowGroups;
        _groupStarts = new long[groups.Count];
        long rows = 0;
        for (int i = 0; i < groups.Count; i++)
        {
            _groupStarts[i] = rows;
            rows += groups[i].NumRows;
        }

        RowCount = rows;
    }

    public ResultSchema Schema { get; }

    public long RowCount { get; }

    /// <summary>The outputs column's name when it is named after the job id (not <c>outputs</c> or <c>inference_result</c>).</summary>
    public string? OutputColumnJobId { get; }

    /// <summary>Whether a column is read by the page reader in every row group (for tests and the benchmark's notes).</summary>
    internal bool ReadsPageByPage(string column) =>
        new[] { _outputs, _inputs, _logprobs }.Concat(_extras).Any(c => c is not null && c.Name == column && c.Leaf is not null && c.PageByPage);

    /// <summary>One top-level column: a flat leaf the page reader reads, or a field Parquet.Net reads.</summary>
    private sealed class Column
    {
        public Column(string name, Field field, ParquetLeaf? leaf)
        {
            Name = name;
            Field = field;
            Leaf = leaf;
        }

        public string Name { get; }

        public Field Field { get; }

        public ParquetLeaf? Leaf { get; }

        /// <summary>True when every row group's chunk of this column can go through the page reader.</summary>
        public bool PageByPage { get; set; }

        public bool IsText => Leaf?.IsText ?? false;
    }

    public static ParquetResultDecoder Open(string path, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        ParquetReader? reader = null;
        try
        {
            ParquetFooterCheck.Validate(file);
            reader = ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken).GetAwaiter().GetResult();
            FileMetaData meta = reader.Metadata ?? throw new ResultDecodeException("The Parquet results have no metadata.");
            var columns = DescribeColumns(reader.Schema, meta);
            var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            Column? inputs = byName.GetValueOrDefault("inputs");
            Column? logprobs = byName.GetValueOrDefault("cumulative_logprobs");
            var candidates = outputColumnNames.Append("outputs").Append("inference_result").Distinct().ToList();
            Column? outputs = candidates.Select(c => byName.GetValueOrDefault(c)).FirstOrDefault(c => c is not null);
            string? outputJobId = outputs is not null && outputs.Name is not ("outputs" or "inference_result") ? outputs.Name : null;
            if (outputs is null)
            {
                var text = columns.Where(c => c.IsText && c != inputs && c != logprobs).ToList();
                if (text.Count == 1)
                {
                    outputs = text[0];
                    outputJobId = outputs.Name;
                }
            }

            if (outputs is null)
            {
                throw new ResultDecodeException(
                    $"The Parquet results have no outputs column: expected one named {string.Join(" or ", candidates.Select(c => $"'{c}'"))} (or a single text column), found {string.Join(", ", columns.Select(c => $"'{c.Name}'"))}. Pass -JobId to name the job whose id the outputs column carries.");
            }

            if (logprobs is not null && (logprobs.Leaf is not { Kind: LeafKind.Double } || !logprobs.PageByPage))
            {
                throw new ResultDecodeException($"The Parquet column 'cumulative_logprobs' is not a DOUBLE or FLOAT column.");
            }

            var extras = columns.Where(c => c != outputs && c != inputs && c != logprobs).ToArray();
            return new ParquetResultDecoder(path, file, reader, outputs, inputs, logprobs, extras, outputJobId);
        }
        catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
        {
            reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            file.Dispose();
            throw new ResultDecodeException($"The Parquet results could not be read: {ex.Message}", ex);
        }
        catch
        {
            reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            file.Dispose();
            throw;
        }
    }

    /// <summary>The top-level columns, each matched with its schema element and checked against every row group.</summary>
    private static List<Column> DescribeColumns(ParquetSchema schema, FileMetaData meta)
    {
        var elements = meta.Schema;
        var columns = new List<Column>();
        int at = 1;
        int leafIndex = 0;
        foreach (Field field in schema.Fields)
        {
            if (at >= elements.Count)
            {
                throw new ResultDecodeException("The Parquet schema does not match its columns: the file is damaged.");
            }

            SchemaElement element = elements[at];
            int leaves = CountLeaves(elements, ref at);
            string name = field.Name;
            ParquetLeaf? leaf = field is DataField && leaves == 1 ? ParquetLeaf.Describe(element, leafIndex) : null;
            var column = new Column(name, field, leaf);
            column.PageByPage = leaf is not null && meta.RowGroups.All(g => leafIndex < g.Columns.Count && ParquetColumnCursor.CanRead(g.Columns[leafIndex]));
            if (!column.PageByPage && field is DataField data && !data.IsArray && !ParquetColumnReader.Supports(data.ClrType))
            {
                throw new ResultDecodeException($"The Parquet column '{name}' has a type this module cannot read ({data.ClrType.Name}).");
            }

            columns.Add(column);
            leafIndex += leaves;
        }

        return columns;
    }

    /// <summary>Leaves under the element at <paramref name="at"/>; moves <paramref name="at"/> past its subtree.</summary>
    private static int CountLeaves(List<SchemaElement> elements, ref int at)
    {
        SchemaElement element = elements[at++];
        int children = element.NumChildren ?? 0;
        if (children <= 0)
        {
            return 1;
        }

        int leaves = 0;
        for (int i = 0; i < children && at < elements.Count; i++)
        {
            leaves += CountLeaves(elements, ref at);
        }

        return leaves;
    }

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        var all = new List<(Column Column, int Role, int Extra)> { (_outputs, 0, -1) };
        if (_inputs is not null)
        {
            all.Add((_inputs, 1, -1));
        }

        if (_logprobs is not null)
        {
            all.Add((_logprobs, 2, -1));
        }

        for (int e = 0; e < _extras.Length; e++)
        {
            all.Add((_extras[e], 3, e));
        }

        var cursors = new ParquetColumnCursor?[all.Count];
        try
        {
            for (int c = 0; c < all.Count; c++)
            {
                if (all[c].Column.PageByPage)
                {
                    cursors[c] = new ParquetColumnCursor(all[c].Column.Leaf!, _path);
                }
            }

            var groups = _reader.Metadata!.RowGroups;
            for (int g = 0; g < groups.Count; g++)
            {
                foreach (var batch in ReadGroup(g, groups[g], all, cursors, cancellationToken))
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                cursor?.Dispose();
            }
        }
    }

    private IEnumerable<ResultBatch> ReadGroup(int g, RowGroup group, List<(Column Column, int Role, int Extra)> all, ParquetColumnCursor?[] cursors, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long rows = group.NumRows;
        long first = _groupStarts[g];
        var whole = new object?[all.Count][];
        for (int c = 0; c < all.Count; c++)
        {
            try
            {
                if (cursors[c] is { } cursor)
                {
                    cursor.Start(group.Columns[cursor.Leaf.Index], rows);
                }
                else
                {
                    whole[c] = ReadWhole(g, all[c].Column, all[c].Role, first, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
            {
                throw Failure(all[c].Column, first, ex);
            }
        }

        for (long start = 0; start < rows; start += ResultBatch.DefaultRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(ResultBatch.DefaultRows, rows - start);
            var batch = new ResultBatch(count, _extras.Length) { Count = count };
            int good = count;
            Exception? failure = null;
            for (int c = 0; c < all.Count; c++)
            {
                var (column, role, extra) = all[c];
                object?[]? target = role switch { 0 => batch.Outputs, 1 => batch.Inputs, 3 => batch.Extras[extra], _ => null };
                try
                {
                    if (cursors[c] is { } cursor)
                    {
                        if (target is null)
                        {
                            cursor.ReadDoubles(count, batch.Logprobs);
                        }
                        else
                        {
                            cursor.Read(count, target);
                        }
                    }
                    else
                    {
                        Array.Copy(whole[c]!, start, target!, 0, count);
                    }
                }
                catch (ParquetRowFailure ex)
                {
                    if (ex.Done < good)
                    {
                        good = ex.Done;
                        failure = Failure(column, first + start + ex.Done, ex.InnerException!);
                    }
                }
            }

            if (failure is not null)
            {
                // Every row before the one that failed is handed on; then the read stops there.
                if (good > 0)
                {
                    batch.Count = good;
                    yield return batch;
                }

                throw failure;
            }

            yield return batch;
        }

        for (int c = 0; c < all.Count; c++)
        {
            try
            {
                cursors[c]?.Finish();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Failure(all[c].Column, first + rows, ex);
            }
        }
    }

    private static ResultDecodeException Failure(Column column, long row, Exception ex)
    {
        string what = ex is DecoderFallbackException ? "holds text that is not valid UTF-8" : $"could not be read: {ex.Message}";
        return new ResultDecodeException($"The Parquet column '{column.Name}' {what} (row {row}).", ex);
    }

    /// <summary>
    /// A column the page reader does not read, for one row group, through Parquet.Net: flat columns as their values,
    /// nested ones (lists, structs, maps) as arrays and ordered dictionaries.
    /// </summary>
    private object?[] ReadWhole(int g, Column column, int role, long first, CancellationToken cancellationToken)
    {
        if (column.Field is DataField data && !data.IsArray)
        {
            using var group = _reader.OpenRowGroupReader(g);
            var values = new object?[group.RowCount];
            ParquetColumnReader.ReadValues(group, data, values, first, cancellationToken);
            return values;
        }

        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var rows = global::Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(file, null, g, cancellationToken).GetAwaiter().GetResult();
        var result = new object?[rows.Data.Count];
        for (int i = 0; i < result.Length; i++)
        {
            rows.Data[i].TryGetValue(column.Name, out object? value);
            result[i] = Natural(value, role is 0 or 1);
        }

        return result;
    }

    /// <summary>A nested value as PowerShell shows it naturally: lists as arrays (numbers as [double[]] for outputs and inputs), structs and maps as ordered dictionaries.</summary>
    internal static object? Natural(object? value, bool numbersAsDoubles)
    {
        switch (value)
        {
            case null:
            case string:
            case byte[]:
                return value;
            case ReadOnlyMemory<char> text:
                return text.ToString();
            case IDictionary dictionary:
                {
                    var ordered = new OrderedDictionary();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        ordered[entry.Key] = Natural(entry.Value, false);
                    }

                    return ordered;
                }

            case IEnumerable list:
                {
                    var items = new List<object?>();
                    foreach (object? item in list)
                    {
                        items.Add(Natural(item, false));
                    }

                    if (numbersAsDoubles && items.Count > 0 && items.All(x => x is double or float or long or int or short or sbyte or byte or decimal))
                    {
                        return items.Select(Convert.ToDouble).ToArray();
                    }

                    return items.ToArray();
                }

            default:
                return value;
        }
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }
}
