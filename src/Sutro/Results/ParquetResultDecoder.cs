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
/// Decodes the Parquet results. Parquet.Net reads the footer; every column is read by the module's own page reader
/// a page at a time, so memory stays flat whatever the row-group size: flat columns (text, numbers, booleans,
/// dates, decimals, UUIDs, binary) by <see cref="ParquetColumnCursor"/>, lists, structs and maps by
/// <see cref="ParquetNestedColumn"/>. A column it cannot read (an unknown codec or encoding, encryption) is refused
/// before any row. Outputs are the column named after the job id, <c>outputs</c>, <c>inference_result</c>, or
/// else the only text column left; logprobs may be DOUBLE or FLOAT.
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
    private readonly string[] _columnNames;

    private ParquetResultDecoder(string path, FileStream file, ParquetReader reader, Column outputs, Column? inputs, Column? logprobs, Column[] extras, string? outputJobId, string[] columnNames)
    {
        _columnNames = columnNames;
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

    /// <summary>The name of the top-level column the outputs are read from.</summary>
    public string OutputColumnName => _outputs.Name;

    /// <summary>The names of the top-level columns, in the file's order.</summary>
    public IReadOnlyList<string> ColumnNames => _columnNames;

    /// <summary>One top-level column: a flat leaf, or a list, struct or map with its leaves.</summary>
    private sealed class Column
    {
        public Column(ParquetNode node, List<ParquetLeaf> leaves)
        {
            Node = node;
            Leaves = leaves;
        }

        public string Name => Node.Name;

        public ParquetNode Node { get; }

        public List<ParquetLeaf> Leaves { get; }

        /// <summary>The leaf of a flat (not repeated, not nested) column, else null.</summary>
        public ParquetLeaf? Leaf => Node.Kind == NodeKind.Leaf && Node.Leaf!.MaxRep == 0 ? Node.Leaf : null;

        public bool IsText => Leaf?.IsText ?? false;
    }

    public static ParquetResultDecoder Open(string path, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        ParquetReader? reader = null;
        try
        {
            ParquetFooterCheck.Validate(file);
            try
            {
                reader = ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken).GetAwaiter().GetResult();
            }
            catch (global::Parquet.Meta.Proto.ThriftProtocolException ex)
            {
                // The module's own walk of the footer found it whole: what failed is the footer library's reading of it.
                throw new ResultDecodeException(
                    $"The Parquet footer is well formed, but Parquet.Net (the library that reads it) cannot read it: {ex.Message} " +
                    "No rows were read. Rewrite the file with another tool (e.g. DuckDB: COPY (FROM 'in.parquet') TO 'out.parquet') to read it here.", ex);
            }
            FileMetaData meta = reader.Metadata ?? throw new ResultDecodeException("The Parquet results have no metadata.");
            var columns = DescribeColumns(meta);
            var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            Column? inputs = byName.GetValueOrDefault("inputs");
            Column? logprobs = byName.GetValueOrDefault("cumulative_logprobs");
            var names = columns.Select(c => c.Name).ToArray();
            int chosen = OutputColumn.Choose(names, i => columns[i].IsText, outputColumnNames);
            if (chosen < 0)
            {
                throw OutputColumn.Missing("Parquet", names, outputColumnNames);
            }

            Column outputs = columns[chosen];
            string? outputJobId = OutputColumn.JobIdOf(outputs.Name) ?? RecordedJobId(meta, outputColumnNames);

            if (logprobs is not null && logprobs.Leaf is not { Kind: LeafKind.Double })
            {
                throw new ResultDecodeException($"The Parquet column 'cumulative_logprobs' is not a DOUBLE or FLOAT column.");
            }

            var extras = columns.Where(c => c != outputs && c != inputs && c != logprobs).ToArray();
            return new ParquetResultDecoder(path, file, reader, outputs, inputs, logprobs, extras, outputJobId,
                columns.Select(c => c.Name).ToArray());
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

    /// <summary>
    /// The top-level columns, each with its schema tree; every chunk of every leaf in every row group is checked to
    /// be one the page reader reads, so a file it cannot read fails before any row.
    /// </summary>
    /// <summary>
    /// The job a saved file records in its key-value metadata (<c>sutro.job_id</c>, written by Export-SutroJobResult);
    /// a file that records another job than the one asked for is refused.
    /// </summary>
    private static string? RecordedJobId(FileMetaData meta, IReadOnlyList<string> outputColumnNames)
    {
        string? recorded = meta.KeyValueMetadata?.FirstOrDefault(k => k.Key == "sutro.job_id")?.Value;
        if (recorded is not null && outputColumnNames is KnownJobId known && recorded != known.JobId)
        {
            throw new ResultDecodeException(
                $"These results are not those of job '{known.JobId}': the file records job '{recorded}' (sutro.job_id). " +
                "No rows were read. Check the job id; to read a saved file as the job it records, leave out -JobId.");
        }

        return string.IsNullOrEmpty(recorded) ? null : recorded;
    }

    private static List<Column> DescribeColumns(FileMetaData meta)
    {
        var elements = meta.Schema;
        if (elements.Count == 0)
        {
            throw new ResultDecodeException("The Parquet results have no schema: the file is damaged.");
        }

        if (meta.EncryptionAlgorithm is not null)
        {
            throw new ResultDecodeException("The Parquet results are encrypted (Parquet modular encryption), which this module cannot read: ask for the results without encryption.");
        }

        var columns = new List<Column>();
        int at = 1;
        int leafIndex = 0;
        int top = elements[0].NumChildren ?? 0;
        for (int c = 0; c < top; c++)
        {
            string name = at < elements.Count ? elements[at].Name : "?";
            var leaves = new List<ParquetLeaf>();
            ParquetNode node;
            try
            {
                node = ParquetNode.Build(elements, ref at, leafIndex, leaves);
            }
            catch (ParquetPageException ex)
            {
                throw new ResultDecodeException($"The Parquet column '{name}' cannot be read: {ex.Message}.", ex);
            }

            foreach (ParquetLeaf leaf in leaves)
            {
                for (int g = 0; g < meta.RowGroups.Count; g++)
                {
                    var chunks = meta.RowGroups[g].Columns;
                    string? why = leaf.Index < chunks.Count ? ParquetColumnCursor.WhyNot(chunks[leaf.Index])
                        : "has no column chunk in a row group: the file is damaged";
                    if (why is not null)
                    {
                        throw new ResultDecodeException($"The Parquet column '{name}' {why} (row group {g}).");
                    }
                }
            }

            columns.Add(new Column(node, leaves));
            leafIndex += leaves.Count;
        }

        if (at != elements.Count)
        {
            throw new ResultDecodeException("The Parquet schema does not match its columns: the file is damaged.");
        }

        return columns;
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
        var nested = new ParquetNestedColumn?[all.Count];
        var sources = new IEnumerator<ColumnPiece>?[all.Count];
        try
        {
            for (int c = 0; c < all.Count; c++)
            {
                Column column = all[c].Column;
                if (column.Leaf is { } leaf)
                {
                    cursors[c] = new ParquetColumnCursor(leaf, _path);
                }
                else
                {
                    nested[c] = new ParquetNestedColumn(column.Node, column.Leaves, _path, all[c].Role is 0 or 1);
                }
            }

            // The outputs column is read ahead on a worker thread when another column than the logprobs is read too
            // (the inputs: the text of both is most of the work), so the two decode at once; the rest are read here.
            bool ahead = Environment.ProcessorCount > 1 && all.Count(a => a.Role != 2) > 1;
            for (int c = 0; c < all.Count; c++)
            {
                int column = c;
                sources[c] = (ahead && c == 0
                    ? BatchPrefetcher.Ahead(token => ReadColumn(all[column].Column, cursors[column], nested[column], all[column].Role == 2, token), PiecesAhead, cancellationToken)
                    : ReadColumn(all[c].Column, cursors[c], nested[c], all[c].Role == 2, cancellationToken)).GetEnumerator();
            }

            var groups = _reader.Metadata!.RowGroups;
            for (int g = 0; g < groups.Count; g++)
            {
                foreach (var batch in ReadGroup(groups[g].NumRows, all, sources, cancellationToken))
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            // The worker stops before the cursors it reads are closed.
            foreach (var source in sources)
            {
                source?.Dispose();
            }

            foreach (var cursor in cursors)
            {
                cursor?.Dispose();
            }

            foreach (var column in nested)
            {
                column?.Dispose();
            }
        }
    }

    /// <summary>Batches of one column's values a worker may have read ahead of the rows (about 100 KB of text each).</summary>
    private const int PiecesAhead = 8;

    /// <summary>
    /// One column's values for one batch of rows. A row group gives as many pieces as it has batches (one for a group of
    /// no rows); a failure to start the group comes alone, in the group's first piece; a failure at a row ends the
    /// piece at that row; a failure at the group's end comes with its last piece. The column gives no piece after a
    /// failure.
    /// </summary>
    private sealed class ColumnPiece
    {
        public object?[]? Values;
        public double?[]? Doubles;
        public int Count;
        public ResultDecodeException? StartFailure;
        public ResultDecodeException? RowFailure;
        public ResultDecodeException? FinishFailure;
    }

    /// <summary>One column's pieces over every row group, in the batches <see cref="ReadGroup"/> makes.</summary>
    private IEnumerable<ColumnPiece> ReadColumn(Column column, ParquetColumnCursor? cursor, ParquetNestedColumn? nested, bool doubles,
        CancellationToken cancellationToken)
    {
        var groups = _reader.Metadata!.RowGroups;
        for (int g = 0; g < groups.Count; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long rows = groups[g].NumRows;
            long first = _groupStarts[g];
            ResultDecodeException? startFailure = null;
            try
            {
                if (cursor is not null)
                {
                    cursor.Start(groups[g].Columns[cursor.Leaf.Index], rows);
                }
                else
                {
                    nested!.Start(groups[g], rows);
                }
            }
            catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
            {
                startFailure = Failure(column, first, ex);
            }

            if (startFailure is not null)
            {
                yield return new ColumnPiece { StartFailure = startFailure };
                yield break;
            }

            long start = 0;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = (int)Math.Min(ResultBatch.DefaultRows, rows - start);
                var piece = new ColumnPiece { Count = count };
                if (doubles && cursor is not null)
                {
                    piece.Doubles = new double?[count];
                }
                else
                {
                    piece.Values = new object?[count];
                }

                try
                {
                    if (count > 0)
                    {
                        if (piece.Doubles is not null)
                        {
                            cursor!.ReadDoubles(count, piece.Doubles);
                        }
                        else if (cursor is not null)
                        {
                            cursor.Read(count, piece.Values!);
                        }
                        else
                        {
                            nested!.Read(count, piece.Values!);
                        }
                    }
                }
                catch (ParquetRowFailure ex)
                {
                    piece.Count = ex.Done;
                    piece.RowFailure = Failure(column, first + start + ex.Done, ex.InnerException!);
                }

                if (piece.RowFailure is not null)
                {
                    yield return piece;
                    yield break;
                }

                start += count;
                if (start >= rows)
                {
                    try
                    {
                        cursor?.Finish();
                        nested?.Finish();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        piece.FinishFailure = Failure(column, first + rows, ex);
                    }
                }

                yield return piece;
                if (piece.FinishFailure is not null)
                {
                    yield break;
                }
            }
            while (start < rows);
        }
    }

    private static IEnumerable<ResultBatch> ReadGroup(long rows, List<(Column Column, int Role, int Extra)> all,
        IEnumerator<ColumnPiece>?[] sources, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pieces = new ColumnPiece[all.Count];
        long start = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = (int)Math.Min(ResultBatch.DefaultRows, rows - start);
            for (int c = 0; c < all.Count; c++)
            {
                if (!sources[c]!.MoveNext())
                {
                    throw new InvalidOperationException($"The Parquet column '{all[c].Column.Name}' ended before its rows.");
                }

                pieces[c] = sources[c]!.Current;
            }

            foreach (var piece in pieces)
            {
                if (piece.StartFailure is not null)
                {
                    throw piece.StartFailure;
                }
            }

            var batch = new ResultBatch(count, all.Count(a => a.Role == 3)) { Count = count };
            int good = count;
            ResultDecodeException? failure = null;
            for (int c = 0; c < all.Count; c++)
            {
                var (_, role, extra) = all[c];
                var piece = pieces[c];
                if (piece.RowFailure is not null && piece.Count < good)
                {
                    good = piece.Count;
                    failure = piece.RowFailure;
                }

                if (piece.Doubles is not null)
                {
                    Array.Copy(piece.Doubles, batch.Logprobs, piece.Count);
                }
                else
                {
                    object?[] target = role switch { 0 => batch.Outputs, 1 => batch.Inputs, _ => batch.Extras[extra] };
                    Array.Copy(piece.Values!, target, piece.Count);
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

            if (count > 0)
            {
                yield return batch;
            }

            start += count;
        }
        while (start < rows);

        foreach (var piece in pieces)
        {
            if (piece.FinishFailure is not null)
            {
                throw piece.FinishFailure;
            }
        }
    }

    private static ResultDecodeException Failure(Column column, long row, Exception ex)
    {
        string what = ex is DecoderFallbackException ? "holds text that is not valid UTF-8" : $"could not be read: {ex.Message}";
        return new ResultDecodeException($"The Parquet column '{column.Name}' {what} (row {row}).", ex);
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }
}
