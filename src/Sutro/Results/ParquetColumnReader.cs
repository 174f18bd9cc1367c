using System;
using System.Text;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace Sutro.Results;

/// <summary>Reads one Parquet column chunk into a results batch column.</summary>
internal static class ParquetColumnReader
{
    public static bool Supports(Type type) =>
        type == typeof(ReadOnlyMemory<char>) || type == typeof(double) || type == typeof(float)
        || type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(bool)
        || type == typeof(DateTime);

    /// <summary>
    /// A text column chunk as each value's UTF-8 bytes, null where the row has none. Parquet.Net's lowest-level read:
    /// its character and string reads make one array per value that lives until the whole chunk is read, which at
    /// 100,000 rows of 600 characters costs twice the memory and most of the decoding time; bytes are half the size
    /// and become strings only just before the pipeline writes them (<see cref="ToStrings"/>).
    /// </summary>
    public static ReadOnlyMemory<byte>?[] ReadText(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
    {
        int count = checked((int)group.RowCount);
        var bytesField = new DataField<byte[]>(field.Name, field.IsNullable);
        _ = new ParquetSchema(bytesField);
        var packed = new ReadOnlyMemory<byte>[count];
        int[]? levels = field.IsNullable ? new int[count] : null;
        Wait(group.ReadRawAsync<ReadOnlyMemory<byte>>(bytesField, packed.AsMemory(), levels?.AsMemory(), null, cancellationToken));
        var values = new ReadOnlyMemory<byte>?[count];
        if (levels is null)
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = packed[i];
            }

            return values;
        }

        // Present values come packed, one after another; a definition level of 1 marks a row that has one.
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            if (levels[i] == 1)
            {
                values[i] = packed[next++];
            }
        }

        return values;
    }

    /// <summary>
    /// Fails when a value is not valid UTF-8, naming the column and the row (<paramref name="firstRow"/> is the
    /// row group's first row in the file). Checked for a whole row group before any of its rows is written, so
    /// no text is ever passed on with replacement characters in it.
    /// </summary>
    public static void RequireUtf8(ReadOnlyMemory<byte>?[] values, string column, long firstRow)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value && !Utf8.IsValid(value.Span))
            {
                throw new ResultDecodeException($"The Parquet column '{column}' holds text that is not valid UTF-8 (row {firstRow + i}).");
            }
        }
    }

    /// <summary>Strings of <paramref name="count"/> values from <paramref name="start"/>.</summary>
    public static void ToStrings(ReadOnlyMemory<byte>?[] values, int start, object?[] target, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var value = values[start + i];
            target[i] = value.HasValue ? Encoding.UTF8.GetString(value.GetValueOrDefault().Span) : null;
        }
    }

    public static void ReadStrings(ParquetRowGroupReader group, DataField field, object?[] target, long firstRow, CancellationToken cancellationToken)
    {
        var values = ReadText(group, field, cancellationToken);
        RequireUtf8(values, field.Name, firstRow);
        ToStrings(values, 0, target, values.Length);
    }

    public static void ReadDoubles(ParquetRowGroupReader group, DataField field, double?[] target, CancellationToken cancellationToken)
    {
        int count = checked((int)group.RowCount);
        if (field.ClrType == typeof(double))
        {
            Wait(group.ReadAsync<double>(field, target.AsMemory(0, count), null, cancellationToken));
            return;
        }

        var floats = new float?[count];
        Wait(group.ReadAsync<float>(field, floats.AsMemory(), null, cancellationToken));
        for (int i = 0; i < count; i++)
        {
            target[i] = floats[i];
        }
    }

    public static void ReadValues(ParquetRowGroupReader group, DataField field, object?[] target, long firstRow, CancellationToken cancellationToken)
    {
        Type type = field.ClrType;
        if (type == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[target.Length];
            ReadStrings(group, field, strings, firstRow, cancellationToken);
            Array.Copy(strings, target, strings.Length);
        }
        else if (type == typeof(double))
        {
            Box<double>(group, field, target, cancellationToken);
        }
        else if (type == typeof(float))
        {
            // Widened to double, as the JSON and CSV bodies give it.
            var values = new float?[target.Length];
            Wait(group.ReadAsync<float>(field, values.AsMemory(), null, cancellationToken));
            for (int i = 0; i < values.Length; i++)
            {
                target[i] = values[i].HasValue ? (double)values[i].GetValueOrDefault() : null;
            }
        }
        else if (type == typeof(long))
        {
            Box<long>(group, field, target, cancellationToken);
        }
        else if (type == typeof(int))
        {
            // Widened to long, as the JSON and CSV bodies give whole numbers.
            var values = new int?[target.Length];
            Wait(group.ReadAsync<int>(field, values.AsMemory(), null, cancellationToken));
            for (int i = 0; i < values.Length; i++)
            {
                target[i] = values[i].HasValue ? (long)values[i].GetValueOrDefault() : null;
            }
        }
        else if (type == typeof(short))
        {
            var values = new short?[target.Length];
            Wait(group.ReadAsync<short>(field, values.AsMemory(), null, cancellationToken));
            for (int i = 0; i < values.Length; i++)
            {
                target[i] = values[i].HasValue ? (long)values[i].GetValueOrDefault() : null;
            }
        }
        else if (type == typeof(bool))
        {
            Box<bool>(group, field, target, cancellationToken);
        }
        else if (type == typeof(DateTime))
        {
            Box<DateTime>(group, field, target, cancellationToken);
        }
        else
        {
            throw new ResultDecodeException($"The Parquet column '{field.Name}' has a type this module cannot read ({type.Name}).");
        }
    }

    private static void Box<T>(ParquetRowGroupReader group, DataField field, object?[] target, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[target.Length];
        Wait(group.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken));
        for (int i = 0; i < values.Length; i++)
        {
            target[i] = values[i];
        }
    }

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static void Wait(ValueTask task) => task.GetAwaiter().GetResult();
}
