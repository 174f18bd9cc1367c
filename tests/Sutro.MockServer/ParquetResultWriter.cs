using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace Sutro.MockServer;

/// <summary>
/// The parquet results body: zstd, columns <c>inputs</c> (string?), <c>outputs</c> (string?),
/// <c>cumulative_logprobs</c> (double?), then the id and extra columns; one row group per 50,000 rows.
/// </summary>
public static class ParquetResultWriter
{
    public const int RowGroupSize = 50_000;

    public static async Task<byte[]> BuildAsync(JobDefinition def, bool inputs, bool logprobs, CancellationToken ct)
    {
        IReadOnlyList<ResultRow> rows = def.Rows;
        IReadOnlyList<ExtraColumn> extras = def.AllExtraColumns();
        var inputsField = new DataField<string>("inputs", true);
        var outputsField = new DataField<string>("outputs", true);
        var logprobsField = new DataField<double?>("cumulative_logprobs", true);
        var fields = new List<Field>();
        if (inputs) fields.Add(inputsField);
        fields.Add(outputsField);
        if (logprobs) fields.Add(logprobsField);
        var extraFields = new List<DataField>();
        foreach (ExtraColumn c in extras)
        {
            DataField f = c.Kind switch
            {
                ColumnKind.Long => new DataField<long?>(c.Name, true),
                ColumnKind.Double => new DataField<double?>(c.Name, true),
                _ => new DataField<string>(c.Name, true),
            };
            extraFields.Add(f);
            fields.Add(f);
        }

        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = CompressionLevel.Optimal };
        using var output = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, options, cancellationToken: ct))
        {
            for (int start = 0; start < rows.Count; start += RowGroupSize)
            {
                int n = Math.Min(RowGroupSize, rows.Count - start);
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                if (inputs) await group.WriteAsync(inputsField, Strings(n, i => rows[start + i].Input));
                await group.WriteAsync(outputsField, Strings(n, i => rows[start + i].Output));
                if (logprobs)
                {
                    var values = new double?[n];
                    for (int i = 0; i < n; i++) values[i] = rows[start + i].Logprob;
                    await group.WriteAsync<double>(logprobsField, values, cancellationToken: ct);
                }
                for (int c = 0; c < extras.Count; c++)
                {
                    await WriteExtraAsync(group, extraFields[c], extras[c], start, n, ct);
                }
                group.CompleteValidate();
            }
        }
        return output.ToArray();
    }

    private static async Task WriteExtraAsync(ParquetRowGroupWriter group, DataField field, ExtraColumn column, int start, int n, CancellationToken ct)
    {
        IReadOnlyList<object?> v = column.Values;
        switch (column.Kind)
        {
            case ColumnKind.Long:
                var longs = new long?[n];
                for (int i = 0; i < n; i++) longs[i] = v[start + i] is long l ? l : null;
                await group.WriteAsync<long>(field, longs, cancellationToken: ct);
                break;
            case ColumnKind.Double:
                var doubles = new double?[n];
                for (int i = 0; i < n; i++) doubles[i] = v[start + i] switch { long l => l, double d => d, _ => null };
                await group.WriteAsync<double>(field, doubles, cancellationToken: ct);
                break;
            default:
                await group.WriteAsync(field, Strings(n, i => v[start + i]?.ToString()));
                break;
        }
    }

    private static string[] Strings(int n, Func<int, string?> value)
    {
        var array = new string?[n];
        for (int i = 0; i < n; i++) array[i] = value(i);
        return array!;
    }
}
