using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Management.Automation;
using System.Threading;
using Sutro.Http;
using Sutro.Results;
using Sutro.Rows;
using Sutro.Submission;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Pairing inputs with a results file (<see cref="InputJoin"/> through <see cref="ResultRowWriter"/>): what the input
/// check takes as the same input, and that a failed check writes no row.
/// </summary>
public sealed class InputJoinTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sutro-join-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private List<object> Write(InputJoin join, string body, List<object>? written = null)
    {
        File.WriteAllText(_path, body);
        written ??= new List<object>();
        var sink = new RowSink(written.Add, _ => { }, _ => { }, null);
        ResultRowWriter.Write(_path, ResultFormat.Json, new[] { "job_t" }, "job_t", raw: false, expandOutput: false,
            "Job job_t", 1, join.Sink(sink, "job_t", verify: true), CancellationToken.None);
        return written;
    }

    private static PSObject Row(params (string Name, object Value)[] fields)
    {
        var row = new OrderedDictionary();
        foreach (var (name, value) in fields)
        {
            row[name] = value;
        }

        return PSObject.AsPSObject(row);
    }

    private static InputJoin ObjectJoin(params PSObject[] inputs)
    {
        var join = new InputJoin(InputMode.Objects);
        foreach (var input in inputs)
        {
            join.Add(input, PowerShellJson.ToJson(input));
        }

        return join;
    }

    [Fact]
    public void AnObjectRowMatchesItsJsonHoweverTheServiceSpacedItOrWhetherItCameBackAsAStructure()
    {
        var join = ObjectJoin(Row(("q", "a"), ("n", 1)), Row(("q", "b"), ("tags", new[] { "x", "y" })));
        var rows = Write(join, """
            {"outputs": ["o1", "o2"],
             "inputs": ["{ \"q\" : \"a\",\n  \"n\": 1 }", {"q": "b", "tags": ["x", "y"]}]}
            """);
        Assert.Equal(2, rows.Count);
        Assert.Equal("o1", ((PSObject)rows[0]).Properties["Output"].Value);
        Assert.Equal("o2", ((PSObject)rows[1]).Properties["Output"].Value);
    }

    [Fact]
    public void AnObjectRowWhoseFieldsDifferIsInputMismatchAndNoRowIsWritten()
    {
        var join = ObjectJoin(Row(("q", "a"), ("n", 1)), Row(("q", "b")));
        var written = new List<object>();
        var error = Assert.Throws<SutroApiException>(() => Write(join, """
            {"outputs": ["o1", "o2"], "inputs": ["{\"q\": \"a\", \"n\": 2}", "{\"q\": \"b\"}"]}
            """, written));
        Assert.Equal(ErrorIds.InputMismatch, error.ErrorId);
        Assert.StartsWith("Row 0 of job 'job_t' does not match its input: the input is \"{\\\"q\\\":\\\"a\\\",\\\"n\\\":1}\", " +
            "the job ran \"{\\\"q\\\": \\\"a\\\", \\\"n\\\": 2}\".", error.Message);
        Assert.Equal(0L, error.Data["Index"]);
        Assert.Empty(written);
    }

    [Fact]
    public void ATextInputIsComparedExactlyAndANumberAsItsInvariantText()
    {
        var join = new InputJoin(InputMode.Text);
        join.Add(PSObject.AsPSObject("7"), "7");
        join.Add(PSObject.AsPSObject("Caf\u00e9"), "Caf\u00e9");
        var rows = Write(join, """{"outputs": ["a", "b"], "inputs": [7, "Caf\u00e9"]}""");
        Assert.Equal(new object?[] { "7", "Caf\u00e9" }, new[] { ((JobResultRow)rows[0]).Input, ((JobResultRow)rows[1]).Input });

        var cased = new InputJoin(InputMode.Text);
        cased.Add(PSObject.AsPSObject("cafe"), "cafe");
        var error = Assert.Throws<SutroApiException>(() => Write(cased, """{"outputs": ["a"], "inputs": ["Cafe"]}"""));
        Assert.Equal(ErrorIds.InputMismatch, error.ErrorId);
    }

    [Fact]
    public void ResultsWithoutTheirInputsCannotBeCheckedAndWriteNoRow()
    {
        var join = new InputJoin(InputMode.Text);
        join.Add(PSObject.AsPSObject("x"), "x");
        var error = Assert.Throws<SutroApiException>(() => Write(join, """{"outputs": ["a"]}"""));
        Assert.Equal(ErrorIds.InputMismatch, error.ErrorId);
        Assert.Equal("The results of job 'job_t' came without their inputs, so these inputs could not be checked against the " +
            "ones the job ran; no row was written. Try again, or pair them without the check with -NoVerify.", error.Message);
    }
}
