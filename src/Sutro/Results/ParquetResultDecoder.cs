using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace Sutro.Results;

/// <summary>
/// Decodes the Parquet results with Parquet.Net, one row group at a time. Opening reads and checks
/// the footer (so a truncated file fails before any row); outputs are the column <c>outputs</c> or
/// the one named after the job id; logprobs may be DOUBLE or FLOAT.
/// </summary>
public sealed class ParquetResultDecoder : IResultDecoder
{
    private readonly FileStream _file;
    private readonly ParquetReader _reader;
    private readonly DataField _outputs;
    private readonly DataField? _inputs;
    private readonly DataField? _logprobs;
    private readonly DataField[] _extras;
    private readonly long[] _groupStarts;

    private ParquetResultDecoder(FileStream file, ParquetReader reader, DataField outputs, DataField? inputs, DataField? logprobs, DataField[] extras)
    {
        _file = file;
        _reader = reader;
        _outputs = outputs;
        _inputs = inputs;
        _logprobs = logprobs;
        _extras = extras;
        Schema = new ResultSchema(inputs is not null, logprobs is not null, extras.Select(e => e.Name).ToArray());
        _groupStarts = new long[reader.RowGroupCount];
        long rows = 0;
        for (int i = 0; i < reader.RowGroupCount; i++)
        {
            _groupStarts[i] = rows;
            rows += reader.OpenRowGroupReader(i).RowCount;
        }

        RowCount = rows;
    }

    public ResultSchema Schema { get; }

    public long RowCount { get; }

    /// <summary>The outputs column's name when it is not <c>outputs</c>: the job id it was named after.</summary>
    public string? OutputColumnJobId => _outputs.Name == "outputs" ? null : _outputs.Name;

    public static ParquetResultDecoder Open(string path, IReadOnlyList<string> outputColumnNames, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        ParquetReader? reader = null;
        try
        {
            ParquetFooterCheck.Validate(file);
            reader = Run(() => ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken));
            var fields = reader.Schema.Fields;
            var dataFields = reader.Schema.GetDataFields();
            if (fields.Count != dataFields.Length)
            {
                var nested = fields.Where(f => f is not DataField).Select(f => f.Name);
                throw new ResultDecodeException($"The Parquet results have nested columns ({string.Join(", ", nested)}); only flat columns are results.");
            }

            var candidates = outputColumnNames.Append("outputs").ToList();
            DataField? outputs = candidates.Select(c => dataFields.FirstOrDefault(f => f.Name == c)).FirstOrDefault(f => f is not null);
            if (outputs is null)
            {
                throw new ResultDecodeException(
                    $"The Parquet results have no outputs column: expected one named {string.Join(" or ", candidates.Distinct().Select(c => $"'{c}'"))}, found {string.Join(", ", dataFields.Select(f => $"'{f.Name}'"))}. Pass -JobId to name the job whose id the outputs column carries.");
            }

            RequireType(outputs, typeof(ReadOnlyMemory<char>), "a string");
            DataField? inputs = dataFields.FirstOrDefault(f => f.Name == "inputs");
            if (inputs is not null)
            {
                RequireType(inputs, typeof(ReadOnlyMemory<char>), "a string");
            }

            DataField? logprobs = dataFields.FirstOrDefault(f => f.Name == "cumulative_logprobs");
            if (logprobs is not null && logprobs.ClrType != typeof(double) && logprobs.ClrType != typeof(float))
            {
                throw new ResultDecodeException($"The Parquet column 'cumulative_logprobs' is {logprobs.ClrType.Name}, not a DOUBLE or FLOAT.");
            }

            var extras = dataFields.Where(f => f != outputs && f != inputs && f != logprobs).ToArray();
            foreach (var extra in extras)
            {
                if (!ParquetColumnReader.Supports(extra.ClrType))
                {
                    throw new ResultDecodeException($"The Parquet column '{extra.Name}' has a type this module cannot read ({extra.ClrType.Name}).");
                }
            }

            return new ParquetResultDecoder(file, reader, outputs, inputs, logprobs, extras);
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

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken)
    {
        // The inputs column is decoded on a second reader of the same file while the outputs column is decoded on
        // this one: on two cores that takes about a tenth off the whole run (decoding is mostly decompressing and
        // first touches of fresh memory). Decoding the next row group ahead as well was a little faster still but
        // took the peak past 600 MB at 1M rows, so it is not done.
        using var secondReader = _inputs is null ? null : SecondReader.Open(_file.Name, cancellationToken);
        for (int g = 0; g < _reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RowGroupColumns columns;
            try
            {
                columns = ReadRowGroup(g, secondReader, cancellationToken);
            }
            catch (Exception ex) when (ex is not ResultDecodeException and not OperationCanceledException)
            {
                throw new ResultDecodeException($"The Parquet row group {g} could not be read: {ex.Message}", ex);
            }

            // Parquet.Net decodes a whole column chunk at once; its text stays as UTF-8 bytes, and strings are made a
            // small batch at a time, just before the pipeline writes them (see ResultBatch.DefaultRows).
            for (int start = 0; start < columns.Count; start += ResultBatch.DefaultRows)
            {
                yield return columns.Slice(start, Math.Min(ResultBatch.DefaultRows, columns.Count - start));
            }

            // Parquet.Net decodes each column chunk into large buffers that only a full collection frees; on its
            // own the collector lets several row groups' worth pile up (about 600 MB at 1M rows of 600
            // characters). Dropping this group's columns and asking for a background collection before the
            // next group keeps the peak near one row group (about 500 MB), at no measurable cost in time.
            columns = null!;
            GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        }
    }

    private RowGroupColumns ReadRowGroup(int index, SecondReader? secondReader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task<ReadOnlyMemory<byte>?[]>? inputs = null;
        if (_inputs is not null && secondReader is not null)
        {
            DataField field = _inputs;
            inputs = Task.Run(() => secondReader.ReadText(index, field, cancellationToken), cancellationToken);
        }

        try
        {
            using var group = _reader.OpenRowGroupReader(index);
            int count = checked((int)group.RowCount);
            var outputs = ParquetColumnReader.ReadText(group, _outputs, cancellationToken);
            double?[]? logprobs = null;
            if (_logprobs is not null)
            {
                logprobs = new double?[count];
                ParquetColumnReader.ReadDoubles(group, _logprobs, logprobs, cancellationToken);
            }

            var columns = new RowGroupColumns(count, _extras.Length)
            {
                Outputs = outputs,
                Inputs = inputs?.GetAwaiter().GetResult(),
                Logprobs = logprobs,
            };
            ParquetColumnReader.RequireUtf8(columns.Outputs, _outputs.Name, _groupStarts[index]);
            if (columns.Inputs is not null)
            {
                ParquetColumnReader.RequireUtf8(columns.Inputs, _inputs!.Name, _groupStarts[index]);
            }

            for (int e = 0; e < _extras.Length; e++)
            {
                columns.Extras[e] = new object?[count];
                ParquetColumnReader.ReadValues(group, _extras[e], columns.Extras[e], _groupStarts[index], cancellationToken);
            }

            return columns;
        }
        finally
        {
            // Never leave the inputs task running on the second reader when this one fails.
            if (inputs is not null && !inputs.IsCompleted)
            {
                try
                {
                    inputs.Wait();
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    /// <summary>A second, independent reader of the same file, so two columns decode at once.</summary>
    private sealed class SecondReader : IDisposable
    {
        private readonly FileStream _file;
        private readonly ParquetReader _reader;

        private SecondReader(FileStream file, ParquetReader reader)
        {
            _file = file;
            _reader = reader;
        }

        public static SecondReader Open(string path, CancellationToken cancellationToken)
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
            try
            {
                return new SecondReader(file, Run(() => ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                file.Dispose();
                throw new ResultDecodeException($"The Parquet results could not be read a second time: {ex.Message}", ex);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        public ReadOnlyMemory<byte>?[] ReadText(int index, DataField field, CancellationToken cancellationToken)
        {
            using var group = _reader.OpenRowGroupReader(index);
            return ParquetColumnReader.ReadText(group, field, cancellationToken);
        }

        public void Dispose()
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _file.Dispose();
        }
    }

    /// <summary>One row group's columns as Parquet.Net gives them, cut into batches on demand.</summary>
    private sealed class RowGroupColumns
    {
        public RowGroupColumns(int count, int extras)
        {
            Count = count;
            Extras = new object?[extras][];
        }

        public int Count { get; }

        public ReadOnlyMemory<byte>?[] Outputs { get; init; } = Array.Empty<ReadOnlyMemory<byte>?>();

        public ReadOnlyMemory<byte>?[]? Inputs { get; init; }

        public double?[]? Logprobs { get; init; }

        public object?[][] Extras { get; }

        public ResultBatch Slice(int start, int count)
        {
            var batch = new ResultBatch(count, Extras.Length) { Count = count };
            ParquetColumnReader.ToStrings(Outputs, start, batch.Outputs, count);
            if (Inputs is not null)
            {
                ParquetColumnReader.ToStrings(Inputs, start, batch.Inputs, count);
            }

            if (Logprobs is not null)
            {
                Array.Copy(Logprobs, start, batch.Logprobs, 0, count);
            }

            for (int e = 0; e < Extras.Length; e++)
            {
                Array.Copy(Extras[e], start, batch.Extras[e], 0, count);
            }

            return batch;
        }
    }

    private static void RequireType(DataField field, Type type, string what)
    {
        if (field.ClrType != type || field.IsArray)
        {
            throw new ResultDecodeException($"The Parquet column '{field.Name}' is {field.ClrType.Name}, not {what}.");
        }
    }

    private static T Run<T>(Func<System.Threading.Tasks.Task<T>> work) => work().GetAwaiter().GetResult();

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }
}
