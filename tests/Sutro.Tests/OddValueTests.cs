using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Threading;
using Sutro.Results;
using Sutro.Rows;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Odd files other tools write every day: unnamed columns, columns named like a row's own properties, numbers no
/// double holds, nested values, lone surrogates, deep nesting, UTF-16 JSON, very long values. Each gives rows (or a
/// clear error), the same way in every format.
/// </summary>
public class OddValueTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// Decodes every row into name -> value: Output, Input, and each extra column under the property name the schema
    /// gives it (what a row shows).
    /// </summary>
    private static List<Dictionary<string, object?>> Rows(string path, bool noJobId = false) => Rows(path, out _, noJobId);

    private static List<Dictionary<string, object?>> Rows(string path, out ResultSchema schema, bool noJobId = false)
    {
        using var decoder = ResultDecoders.Open(path, null, noJobId ? Array.Empty<string>() : new[] { "job_x" }, CancellationToken.None);
        schema = decoder.Schema;
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in decoder.ReadBatches(CancellationToken.None))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["Output"] = batch.Outputs[i],
                    ["Input"] = schema.HasInput ? batch.Inputs[i] : null,
                    ["JobId"] = ResultDecoders.OutputColumnJobId(decoder),
                };
                for (int c = 0; c < schema.PropertyNames.Count; c++)
                {
                    row[schema.PropertyNames[c]] = batch.Extras[c][i];
                }

                rows.Add(row);
            }
        }

        return rows;
    }

    private static object? Get(Dictionary<string, object?> row, string name) => row.TryGetValue(name, out object? value) ? value : "(missing)";

    private static string Fail(string path)
    {
        var ex = Assert.Throws<ResultDecodeException>(() =>
        {
            using var decoder = ResultDecoders.Open(path, null, new[] { "job_x" }, CancellationToken.None);
            foreach (var unused in decoder.ReadBatches(CancellationToken.None))
            {
            }
        });
        return ex.Message;
    }

    [Fact]
    public void PandasUnnamedIndexColumnIsColumn1()
    {
        // pandas.DataFrame.to_csv() writes an unnamed index column first.
        var rows = Rows(Write("p.csv", ",outputs,inputs\n0,a,x\n1,b,y\n"), out var schema);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new[] { "" }, schema.ExtraColumns);
        Assert.Equal(new[] { "Column1" }, schema.PropertyNames);
        Assert.Equal(new[] { ("", "Column1") }, schema.Renamed);
        Assert.Equal(0L, Get(rows[0], "Column1"));
        Assert.Equal(1L, Get(rows[1], "Column1"));
        Assert.Equal("b", Get(rows[1], "Output"));
        Assert.Equal("y", Get(rows[1], "Input"));
    }

    [Fact]
    public void SeveralUnnamedCsvColumnsAreNumbered()
    {
        var rows = Rows(Write("p.csv", ",outputs,,Column1\nk,a,v,w\n"), out var schema);
        Assert.Equal(new[] { "Column1", "Column2", "Column_Column1" }, schema.PropertyNames);
        Assert.Equal("k", Get(rows[0], "Column1"));
        Assert.Equal("v", Get(rows[0], "Column2"));
        Assert.Equal("w", Get(rows[0], "Column_Column1"));
    }

    [Fact]
    public void JsonEmptyKeyIsColumn1()
    {
        var rows = Rows(Write("p.json", "{\"outputs\": [\"a\"], \"\": [7]}"));
        Assert.Equal(7L, Get(rows[0], "Column1"));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public void ColumnsNamedLikeStandardPropertiesArePrefixed(string format)
    {
        string path = format == "json"
            ? Write("c.json", "{\"outputs\": [\"real\"], \"index\": [100], \"Output\": [\"fake\"], \"JOBID\": [\"job_other\"], \"input\": [\"in\"], "
                + "\"reasoning\": [\"why\"], \"cumulativelogprob\": [\"lp\"], \"column_index\": [1]}")
            : Write("c.csv", "outputs,index,Output,JOBID,input,reasoning,cumulativelogprob,column_index\nreal,100,fake,job_other,in,why,lp,1\n");
        var row = Assert.Single(Rows(path, out var schema));
        Assert.Equal(
            new[] { "Column_index", "Column_Output", "Column_JOBID", "Column_input", "Column_reasoning", "Column_cumulativelogprob", "Column_column_index" },
            schema.PropertyNames);
        Assert.Equal("real", Get(row, "Output"));
        Assert.Equal(100L, Get(row, "Column_index"));
        Assert.Equal("fake", Get(row, "Column_Output"));
        Assert.Equal(7, schema.Renamed.Count);
    }

    [Fact]
    public void PropertyNamesPrefixOnceThenNumber()
    {
        var names = new PropertyNames("Output_", PropertyNames.Standard);
        Assert.Equal(
            new[] { "Column1", "Output_Output", "Output_output_2", "name", "Output_Name", "Column2", "Output_OUTPUT_3" },
            new[] { "", "Output", "output", "name", "Name", "", "OUTPUT" }.Select(names.Assign).ToArray());
    }

    [Fact]
    public void JsonNumbersFollowTheNumberRule()
    {
        var rows = Rows(Write("n.json",
            "{\"outputs\": [\"a\", \"b\"], \"big\": [12345678901234567890, 1], \"huge\": [1e400, 2], \"mixed\": [1, 2.5], "
            + "\"neg\": [-98765432109876543210, null]}"));
        Assert.Equal(BigInteger.Parse("12345678901234567890"), Get(rows[0], "big"));
        Assert.Equal(1L, Get(rows[1], "big"));
        Assert.Equal("1e400", Get(rows[0], "huge"));
        Assert.Equal(2L, Get(rows[1], "huge"));
        // Per value: a whole number stays [long] beside a fraction in the same column.
        Assert.Equal(1L, Get(rows[0], "mixed"));
        Assert.Equal(2.5, Get(rows[1], "mixed"));
        Assert.Equal(BigInteger.Parse("-98765432109876543210"), Get(rows[0], "neg"));
        Assert.Null(Get(rows[1], "neg"));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public void NumbersKeepTheirExactValueOneByOne(string format)
    {
        string path = format == "json"
            ? Write("x.json", "{\"outputs\": [\"a\", \"b\", \"c\", \"d\", \"e\"], "
                + "\"n\": [12345678901234567890, 9007199254740993, 0.1, 1e400, -9223372036854775809]}")
            : Write("x.csv", "outputs,n\na,12345678901234567890\nb,9007199254740993\nc,0.1\nd,1e400\ne,-9223372036854775809\n");
        using var decoder = ResultDecoders.Open(path, null, new[] { "x" }, CancellationToken.None);
        var values = decoder.ReadBatches(CancellationToken.None).SelectMany(b => b.Extras[0].Take(b.Count)).ToList();
        Assert.Equal(BigInteger.Parse("12345678901234567890"), Assert.IsType<BigInteger>(values[0]));
        Assert.Equal(9007199254740993L, Assert.IsType<long>(values[1]));
        Assert.Equal(0.1, Assert.IsType<double>(values[2]));
        Assert.Equal("1e400", Assert.IsType<string>(values[3]));
        Assert.Equal(BigInteger.Parse("-9223372036854775809"), Assert.IsType<BigInteger>(values[4]));
        var notes = Assert.IsAssignableFrom<IReportsNumbers>(decoder).Numbers;
        Assert.Equal(1, notes.TextNumbers);
        Assert.Equal("x.csv: 1 number is beyond the range of [double] (the first: 1e400 in 'n'); no .NET number holds it, "
            + "so it is kept as text, exactly as written.", notes.Warning("x.csv"));
    }

    [Fact]
    public void CsvExtraColumnsTakeTheSameTypesAsJson()
    {
        string json = Write("t.json",
            "{\"outputs\": [\"a\", \"b\"], \"big\": [12345678901234567890, 1], \"mixed\": [1, 2.5], \"id\": [\"007\", \"008\"], "
            + "\"flag\": [true, false], \"score\": [1e-05, 0.5]}");
        string csv = Write("t.csv", "outputs,big,mixed,id,flag,score\na,12345678901234567890,1,007,True,1e-05\nb,1,2.5,008,False,0.5\n");
        var fromJson = Rows(json);
        var fromCsv = Rows(csv);
        foreach (string column in new[] { "big", "mixed", "id", "flag", "score" })
        {
            for (int r = 0; r < 2; r++)
            {
                Assert.Equal(Get(fromJson[r], column), Get(fromCsv[r], column));
                Assert.Equal(Get(fromJson[r], column)!.GetType(), Get(fromCsv[r], column)!.GetType());
            }
        }

        Assert.Equal("007", Get(fromCsv[0], "id"));
        Assert.Equal(true, Get(fromCsv[0], "flag"));
    }

    [Fact]
    public void JsonArraysAndObjectsArePowerShellValues()
    {
        var rows = Rows(Write("v.json",
            "{\"outputs\": [[0.5, 1, -2], \"text\"], \"inputs\": [{\"q\": 1}, \"x\"], "
            + "\"meta\": [{\"a\": [1, \"x\"], \"\": {\"b\": null}}, [12345678901234567890]]}"));
        Assert.Equal(new[] { 0.5, 1.0, -2.0 }, Assert.IsType<double[]>(Get(rows[0], "Output")));
        Assert.Equal("text", Get(rows[1], "Output"));
        var input = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(Get(rows[0], "Input"));
        Assert.Equal(1L, input["q"]);
        var meta = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(Get(rows[0], "meta"));
        Assert.Equal(new object?[] { "a", "" }, meta.Keys.Cast<object?>().ToArray());
        Assert.Equal(new object[] { 1L, "x" }, Assert.IsType<object[]>(meta["a"]));
        var unnamed = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(meta[""]);
        Assert.True(unnamed.Contains("b"));
        Assert.Null(unnamed["b"]);
        Assert.Equal(new object[] { BigInteger.Parse("12345678901234567890") }, Assert.IsType<object[]>(Get(rows[1], "meta")));

        var cased = Assert.IsType<System.Collections.Specialized.OrderedDictionary>(
            Get(Assert.Single(Rows(Write("k.json", "{\"outputs\": [\"a\"], \"m\": [{\"k\": 1, \"K\": 2, \"k\": 3}]}"))), "m"));
        Assert.Equal(new object?[] { "k", "K" }, cased.Keys.Cast<object?>().ToArray());
        Assert.Equal(3L, cased["k"]);
        Assert.Equal(2L, cased["K"]);
    }

    [Fact]
    public void OutputsColumnIsInferenceResultThenTheOnlyTextColumn()
    {
        var sdk = Assert.Single(Rows(Write("s.json", "{\"inference_result\": [\"a\"], \"other\": [\"b\"]}")));
        Assert.Equal("a", Get(sdk, "Output"));
        Assert.Equal("b", Get(sdk, "other"));

        // A CSV saved by Export-SutroJobResult and read back without the job id: the outputs column is named after the job.
        var rows = Rows(Write("c.csv", "inputs,job_abc,cumulative_logprobs,row_id\nx,answer,-0.5,7\n"), noJobId: true);
        var row = Assert.Single(rows);
        Assert.Equal("answer", Get(row, "Output"));
        Assert.Equal("job_abc", Get(row, "JobId"));
        Assert.Equal(7L, Get(row, "row_id"));

        Assert.Contains("no outputs column", Fail(Write("two.csv", "inputs,answer,comment\nx,a,b\n")));
    }

    [Fact]
    public void OutputColumnChooseFollowsTheOrder()
    {
        string[] names = { "inputs", "inference_result", "outputs", "job_1" };
        Assert.Equal(3, OutputColumn.Choose(names, _ => true, new[] { "job_1" }));
        Assert.Equal(2, OutputColumn.Choose(names, _ => true, Array.Empty<string>()));
        Assert.Equal(1, OutputColumn.Choose(new[] { "inputs", "inference_result", "x" }, _ => true, Array.Empty<string>()));
        Assert.Equal(2, OutputColumn.Choose(new[] { "inputs", "cumulative_logprobs", "x", "n" }, i => i != 3, Array.Empty<string>()));
        Assert.Equal(-1, OutputColumn.Choose(new[] { "inputs", "x", "y" }, _ => true, Array.Empty<string>()));
        Assert.Equal(-1, OutputColumn.Choose(new[] { "inputs", "n" }, _ => false, Array.Empty<string>()));
    }

    [Fact]
    public void LoneSurrogatesKeepTheirUtf16Units()
    {
        var rows = Rows(Write("s.json", "{\"outputs\": [\"a\\ud800b\"], \"inputs\": [\"\\udfff\"], \"x\\ud800\": [\"\\ud83d\"]}"));
        Assert.Equal("a\ud800b", Get(rows[0], "Output"));
        Assert.Equal("\udfff", Get(rows[0], "Input"));
        Assert.Equal("\ud83d", Get(rows[0], "x\ud800"));
    }

    [Fact]
    public void DeepJsonIsReadAndAbsurdDepthSaysNesting()
    {
        string deep = new string('[', 300) + new string(']', 300);
        var row = Assert.Single(Rows(Write("d.json", "{\"outputs\": [\"a\"], \"deep\": [" + deep + "]}")));
        object? value = Get(row, "deep");
        for (int i = 0; i < 299; i++)
        {
            value = Assert.Single(Assert.IsType<object[]>(value));
        }

        Assert.Empty(Assert.IsType<object[]>(value));

        string absurd = new string('[', 5000) + new string(']', 5000);
        string message = Fail(Write("a.json", "{\"outputs\": [\"a\"], \"deep\": [" + absurd + "]}"));
        Assert.Contains("nests deeper than 1000 levels", message);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void Utf16JsonIsRead(string encoding)
    {
        var enc = Encoding.GetEncoding(encoding);
        byte[] bytes = enc.GetPreamble().Concat(enc.GetBytes("{\"outputs\": [\"é😀\"], \"inputs\": [\"x\"]}")).ToArray();
        var row = Assert.Single(Rows(Write("w.json", bytes)));
        Assert.Equal("é😀", Get(row, "Output"));

        // The same file with an extension that says nothing: recognised from its content.
        Assert.Equal("é😀", Get(Assert.Single(Rows(Write("w.txt", bytes))), "Output"));
    }

    [Fact]
    public void ValuesOverTheLimitFailTheSameWayInJsonAndCsv()
    {
        string big = new string('a', ResultLimits.MaxValueChars + 1);
        Assert.Contains("longer than 16,777,216 characters", Fail(Write("l.json", "{\"outputs\": [\"" + big + "\"]}")));
        Assert.Contains("longer than 16,777,216 characters", Fail(Write("l.csv", "outputs\n" + big + "\n")));
    }
}
