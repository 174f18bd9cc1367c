using System;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The files of apache/parquet-testing copied to tests/fixtures/parquet-testing (written by parquet-mr, Arrow C++,
/// Impala, Spark, Presto, arrow-rs and others): every row and column must equal, value and .NET type, what an
/// independent reader (DuckDB, or arrow-rs where DuckDB cannot read the file) gives back (expected.mjs). The files
/// carry no outputs column, so each is read with its first column taken as the outputs. What the module refuses (values
/// .NET cannot hold, a footer Parquet.Net cannot read) is refused at its row, with every row before it exact.
/// </summary>
public class ParquetTestingCorpusTests
{
    /// <summary>
    /// Files the module refuses, with the row it stops at and its message: every row before it must still equal the
    /// reader's. DuckDB gives the out-of-range timestamps as wrapped-around numbers; .NET's DateTime cannot hold them.
    /// </summary>
    private static readonly Dictionary<string, (int Row, string Message)> Refused = new(StringComparer.Ordinal)
    {
        // Spark's INT96 of the year 290000.
        ["int96_from_spark.parquet"] = (5, "The Parquet column 'a' could not be read: a date or time is outside the range .NET can hold (row 5)."),
        // Microsecond timestamps that hold nanoseconds (the year 52950).
        ["nested_structs.rust.parquet"] = (0, "The Parquet column 'ul_observation_date' could not be read: a date or time is outside the range .NET can hold (row 0)."),
        // Parquet.Net 6.1.0, the footer library, cannot read this file's key-value metadata (parquet-mr 1.12, Dremio).
        ["dict-page-offset-zero.parquet"] = (0, "The Parquet footer is well formed, but Parquet.Net (the library that reads it) cannot read it: " +
            "Invalid data in Thrift header. File is most likely corrupt (unexpected data type Stop). No rows were read. " +
            "Rewrite the file with another tool (e.g. DuckDB: COPY (FROM 'in.parquet') TO 'out.parquet') to read it here."),
    };

    public static TheoryData<string> Files() => Canonical.Cases(Names().Where(f => !Refused.ContainsKey(f)));

    public static TheoryData<string> RefusedFiles() => Canonical.Cases(Refused.Keys.Order(StringComparer.Ordinal));

    private static List<string> Names() => Canonical.ParquetFiles(Folder());

    private static string Folder() => Path.GetDirectoryName(Canonical.FixturePath("parquet-testing", "expected.mjs"))!;

    [Fact]
    public void TheCorpusHoldsTheCopiedFiles()
    {
        var files = Names();
        Assert.Equal(62, files.Count);
        Assert.All(Refused.Keys, f => Assert.Contains(f, files));
        foreach (string file in files)
        {
            Assert.True(File.Exists(Path.Combine(Folder(), Path.ChangeExtension(file, ".json"))), file + " has no expected rows");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryRowEqualsWhatAnIndependentReaderGives(string file)
    {
        string path = Path.Combine(Folder(), file);
        string first = FirstColumn(path)!;
        var mismatches = ParquetConformanceTests.Mismatches(path, ExpectedRows(file, first), first);
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public void AFileNetCannotHoldIsRefusedAtItsRowAfterExactRows(string file)
    {
        string path = Path.Combine(Folder(), file);
        string? first = FirstColumn(path);
        var read = new StrongBox<int>();
        var mismatches = new List<string>();
        var ex = Assert.Throws<ResultDecodeException>(() =>
            ParquetConformanceTests.Compare(path, ExpectedRows(file, first), first, mismatches, read));
        Assert.Equal(Refused[file].Message, ex.Message);
        Assert.Equal(Refused[file].Row, read.Value);
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    /// <summary>
    /// Damaged files of parquet-testing (bad_data/, and the pages whose CRC-32 does not match), a VARIANT column (its
    /// group holds the binary encoding, not the value) and a file whose footer is encrypted (named *.encrypted, so
    /// only its PARE magic says it is Parquet): each is refused, before any row, with the module's own message.
    /// </summary>
    [Theory]
    [InlineData("ARROW-GH-41317.parquet", "The Parquet column 'timestamp_us_no_tz' could not be read: the column chunk ends after 0 values but the footer claims 3 rows (row 0).")]
    [InlineData("ARROW-GH-41321.parquet", "The Parquet column 'int64' could not be read: a page ends inside a number (row 0).")]
    [InlineData("ARROW-GH-45185.parquet", "The Parquet column 'x' could not be read: a row starts at repetition level 1 instead of 0 (row 0).")]
    [InlineData("ARROW-GH-47662.parquet", "The Parquet column 'flba_field' could not be read: a page claims 100 values but holds 364 bytes (row 0).")]
    [InlineData("ARROW-RS-GH-6229-DICTHEADER.parquet", "The Parquet footer places a column of row group 0 outside the file (offset 129, 322 bytes, data ends at 291): the file is damaged.")]
    [InlineData("ARROW-RS-GH-6229-LEVELS.parquet", "The Parquet column 'outer' could not be read: a page claims 21 values where 1 of the column chunk's 1 remain (row 0).")]
    [InlineData("PARQUET-1481.parquet", "The Parquet column 'Handle' cannot be read: the field 'Handle' has a type this module cannot read (-7, no converted type).")]
    [InlineData("datapage_v1-corrupt-checksum.parquet", "The Parquet column 'a' could not be read: a page's bytes do not match the CRC-32 its header carries (row 0).")]
    [InlineData("rle-dict-uncompressed-corrupt-checksum.parquet", "The Parquet column 'long_field' could not be read: a page's bytes do not match the CRC-32 its header carries (row 0).")]
    [InlineData("shredded_variant-case-001.parquet", "The Parquet column 'var' cannot be read: the field 'var' is a VARIANT, whose values this module cannot decode; write it as text (JSON) instead.")]
    [InlineData("uniform_encryption.parquet.encrypted", "The Parquet results are encrypted (Parquet modular encryption, 'PARE' footer), which this module cannot read: ask for the results without encryption.")]
    public void ADamagedOrUnreadableFileIsRefusedBeforeAnyRowByName(string file, string message)
    {
        string path = Path.Combine(Folder(), "refused", file);
        string? first = file.EndsWith(".encrypted", StringComparison.Ordinal) ? null : FirstColumn(path);
        int rows = 0;
        var ex = Assert.Throws<ResultDecodeException>(() =>
        {
            using var decoder = ResultDecoders.Open(path, null, new[] { first ?? "job_x" }, CancellationToken.None);
            foreach (var batch in decoder.ReadBatches(CancellationToken.None))
            {
                rows += batch.Count;
            }
        });
        Assert.Equal(message, ex.Message);
        Assert.Equal(0, rows);
    }

    /// <summary>
    /// The reader's rows, with the two ways the module deliberately reads a value otherwise: the outputs column's list
    /// of whole numbers is a [double[]] (as the JSON body gives it), and a map without values (map_no_value.parquet) is
    /// a dictionary of its keys to nulls where arrow-rs gives the list of its keys.
    /// </summary>
    private static JsonArray ExpectedRows(string file, string? outputColumn)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(), Path.ChangeExtension(file, ".json"))))!;
        if (expected["sameRowsAs"] is { } same)
        {
            expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(), (string)same!)))!;
        }

        var rows = expected["rows"]!.AsArray();
        foreach (var row in rows)
        {
            var values = row!.AsObject();
            if (outputColumn is not null && values[outputColumn] is JsonArray numbers && numbers.Count > 0
                && numbers.All(n => n is JsonObject o && o.ContainsKey("i")))
            {
                values[outputColumn] = new JsonArray(numbers.Select(n => (JsonNode)new JsonObject
                {
                    ["d"] = BitConverter.DoubleToInt64Bits(Exact((string)n!["i"]!)).ToString("x16", CultureInfo.InvariantCulture),
                }).ToArray());
            }

            if (file == "map_no_value.parquet" && values["my_map_no_v"] is JsonArray keys)
            {
                values["my_map_no_v"] = new JsonObject
                {
                    ["map"] = new JsonArray(keys.Select(k => (JsonNode)new JsonArray(k!.DeepClone(), null)).ToArray()),
                };
            }
        }

        return rows;
    }

    /// <summary>A whole number as the double it is exactly (the test's own figures are far below 2^53).</summary>
    private static double Exact(string integer)
    {
        long value = long.Parse(integer, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(value) < 1L << 53, $"{value} has no exact double");
        return value;
    }

    /// <summary>The file's first top-level column; null when Parquet.Net cannot read the footer.</summary>
    private static string? FirstColumn(string path)
    {
        using var stream = File.OpenRead(path);
        Parquet.ParquetReader reader;
        try
        {
            reader = Parquet.ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Parquet.Meta.Proto.ThriftProtocolException)
        {
            return null;
        }

        try
        {
            return reader.Metadata!.Schema[1].Name;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
