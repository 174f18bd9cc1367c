// Sutro.Bench.Profile: where the decoding time of a results file goes, outside PowerShell.
//   decode <file>        the module's decoder alone (open, validate, every batch's strings), no pipeline
//   parquet-read <file>  Parquet.Net's own reads of each column of every row group: text as characters (its
//                        ReadOnlyMemory<char> read) and as UTF-8 bytes (its raw read, which the module uses)
//   json-reader <file>   System.Text.Json's Utf8JsonReader alone over a JSON file (1 MiB reads), then with each
//                        string checked as UTF-8 (twice each, past the JIT's early tiers): the least a
//                        validating first pass over the body can cost
//   touch                what writing a fresh 90 MB buffer costs, then writing it again
// Each line gives seconds, the garbage collector's total pause, and the bytes allocated.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;
using Sutro.Results;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Sutro.Bench.Profile decode|parquet-read|json-reader <file> | touch");
    return 2;
}

switch (args[0])
{
    case "decode":
        Decode(args[1]);
        break;
    case "parquet-read":
        await ParquetRead(args[1], bytes: false);
        await ParquetRead(args[1], bytes: true);
        break;
    case "json-reader":
        // Twice each: the first passes also pay for the JIT's early tiers.
        for (int i = 0; i < 2; i++)
        {
            JsonReaderPass(args[1], validate: false);
            JsonReaderPass(args[1], validate: true);
        }

        break;
    case "touch":
        Touch();
        break;
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 2;
}

return 0;

static void Report(string what, Stopwatch clock, long allocatedBefore, TimeSpan pauseBefore) =>
    Console.WriteLine(
        $"{what,-44} {clock.Elapsed.TotalSeconds,7:F2} s  GC pause {(GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds,5:F2} s  allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6,7:F0} MB  gen2 {GC.CollectionCount(2)}");

static void Decode(string path)
{
    long allocated = GC.GetTotalAllocatedBytes();
    TimeSpan pause = GC.GetTotalPauseDuration();
    var clock = Stopwatch.StartNew();
    using var decoder = ResultDecoders.Open(path, null, Array.Empty<string>(), CancellationToken.None);
    Report("open (and validate)", clock, allocated, pause);
    long rows = 0;
    long chars = 0;
    foreach (var batch in decoder.ReadBatches(CancellationToken.None))
    {
        for (int i = 0; i < batch.Count; i++)
        {
            chars += ((batch.Outputs[i] as string)?.Length ?? 0) + ((batch.Inputs[i] as string)?.Length ?? 0);
        }

        rows += batch.Count;
    }

    Report($"decode {rows:N0} rows, {chars:N0} chars", clock, allocated, pause);
}

static async Task ParquetRead(string path, bool bytes)
{
    using var file = File.OpenRead(path);
    await using var reader = await ParquetReader.CreateAsync(file);
    var fields = reader.Schema.GetDataFields();
    var clocks = fields.ToDictionary(f => f.Name, _ => new Stopwatch());
    long allocated = GC.GetTotalAllocatedBytes();
    TimeSpan pause = GC.GetTotalPauseDuration();
    var total = Stopwatch.StartNew();
    for (int g = 0; g < reader.RowGroupCount; g++)
    {
        using var group = reader.OpenRowGroupReader(g);
        int count = checked((int)group.RowCount);
        foreach (var field in fields)
        {
            var clock = clocks[field.Name];
            clock.Start();
            if (field.ClrType == typeof(ReadOnlyMemory<char>) && bytes)
            {
                var raw = new DataField<byte[]>(field.Name, field.IsNullable);
                _ = new ParquetSchema(raw);
                await group.ReadRawAsync<ReadOnlyMemory<byte>>(raw, new ReadOnlyMemory<byte>[count], new int[count], null);
            }
            else if (field.ClrType == typeof(ReadOnlyMemory<char>))
            {
                await group.ReadAsync<ReadOnlyMemory<char>>(field, new ReadOnlyMemory<char>?[count]);
            }
            else if (field.ClrType == typeof(double))
            {
                await group.ReadAsync<double>(field, new double?[count]);
            }

            clock.Stop();
        }
    }

    string how = bytes ? "bytes" : "chars";
    foreach (var (name, clock) in clocks)
    {
        Console.WriteLine($"  Parquet.Net read of {name} ({how}): {clock.Elapsed.TotalSeconds:F2} s");
    }

    Report($"Parquet.Net reads, text as {how}", total, allocated, pause);
}

static void JsonReaderPass(string path, bool validate)
{
    long allocated = GC.GetTotalAllocatedBytes();
    TimeSpan pause = GC.GetTotalPauseDuration();
    var clock = Stopwatch.StartNew();
    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    byte[] buffer = new byte[1 << 20];
    int start = 0;
    int end = 0;
    bool final = false;
    var state = new JsonReaderState();
    long tokens = 0;
    long strings = 0;
    long escaped = 0;
    while (true)
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
        while (reader.Read())
        {
            tokens++;
            if (reader.TokenType == JsonTokenType.String)
            {
                strings++;
                escaped += reader.ValueIsEscaped ? 1 : 0;
                if (validate && !Utf8.IsValid(reader.ValueSpan))
                {
                    throw new InvalidDataException($"Invalid UTF-8 in the string at byte {reader.TokenStartIndex}.");
                }
            }
            else if (validate && reader.TokenType == JsonTokenType.Number)
            {
                _ = reader.TryGetInt64(out _);
                _ = reader.TryGetDouble(out _);
            }
        }

        start += (int)reader.BytesConsumed;
        state = reader.CurrentState;
        if (final)
        {
            break;
        }

        int pending = end - start;
        Buffer.BlockCopy(buffer, start, buffer, 0, pending);
        start = 0;
        end = pending;
        if (end == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        int read = file.Read(buffer, end, buffer.Length - end);
        final = read == 0;
        end += read;
    }

    Report($"Utf8JsonReader{(validate ? " + UTF-8 check" : string.Empty)}: {tokens:N0} tokens, {escaped:N0}/{strings:N0} strings escaped", clock, allocated, pause);
}

static void Touch()
{
    for (int i = 0; i < 3; i++)
    {
        var buffer = new byte[90_000_000];
        var clock = Stopwatch.StartNew();
        buffer.AsSpan().Fill(1);
        double first = clock.Elapsed.TotalSeconds;
        buffer.AsSpan().Fill(2);
        Console.WriteLine($"90 MB: first write {first:F3} s, second write {clock.Elapsed.TotalSeconds - first:F3} s");
    }
}
