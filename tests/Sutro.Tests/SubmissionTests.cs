using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Sutro.Api;
using Sutro.Submission;
using Xunit;

namespace Sutro.Tests;

/// <summary>The input spool, the streamed request body built from it, generated names and the answer's job id.</summary>
public class SubmissionTests
{
    private static readonly string[] Texts = { "plain", "quote \" and \\ backslash", "line\nbreak\r\n", "Zürich 東京 🚀", "", "\u0001" };

    [Fact]
    public async Task SpoolReplaysEveryInputInOrder()
    {
        using var spool = new InputSpool();
        foreach (string text in Texts)
        {
            spool.AddText(text);
        }

        spool.Add(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("id", 7);
            w.WriteEndObject();
        });
        Assert.Equal(Texts.Length + 1, spool.Count);

        var replayed = new List<string>();
        await foreach (JsonElement e in spool.ReplayAsync())
        {
            replayed.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText());
        }

        Assert.Equal(Texts.Append("{\"id\":7}"), replayed);

        // A second replay reads the same, from the start.
        int again = 0;
        await foreach (JsonElement _ in spool.ReplayAsync())
        {
            again++;
        }

        Assert.Equal(Texts.Length + 1, again);
    }

    [Fact]
    public void SpoolWritesTextInUtf8NotEscapes()
    {
        using var spool = new InputSpool();
        spool.AddText("Zürich 東京");
        spool.Complete();
        Assert.Equal(Encoding.UTF8.GetByteCount("[\"Zürich 東京\"]"), spool.Length);
    }

    [Fact]
    public void SpoolFileIsDeletedOnDispose()
    {
        string dir = Directory.CreateTempSubdirectory("sutro-spool-").FullName;
        try
        {
            var spool = new InputSpool(dir);
            spool.AddText("x");
            Assert.Single(Directory.GetFiles(dir));
            spool.Dispose();
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SpoolRefusesInputsAfterCompletion()
    {
        using var spool = new InputSpool();
        spool.AddText("a");
        spool.Complete();
        Assert.Throws<InvalidOperationException>(() => spool.AddText("b"));
    }

    [Fact]
    public async Task BodyIsOneJsonObjectWithEveryFieldAndTheInputs()
    {
        using var spool = new InputSpool();
        foreach (string text in Texts)
        {
            spool.AddText(text);
        }

        spool.Complete();
        var submission = new BatchSubmission
        {
            Model = "m", Name = "n", Inputs = spool, Priority = 1, SystemPrompt = "Be brief.",
            JsonSchema = "{\"type\":\"object\"}", SamplingParams = "{\"temperature\":0.5}", CostEstimate = true,
            TruncateRows = false, Description = "d",
        };
        var reports = new List<(long Sent, long Total)>();
        bool sent = false;
        var content = new SubmissionContent(submission.Head(), spool, (s, t) => reports.Add((s, t)), () => sent = true);
        byte[] body = await content.ReadAsByteArrayAsync();

        Assert.True(sent);
        Assert.Equal(body.Length, content.Headers.ContentLength);
        Assert.Equal((body.Length, body.Length), reports[^1]);
        Assert.Equal("application/json; charset=utf-8", content.Headers.ContentType!.ToString());
        using var doc = JsonDocument.Parse(body);
        JsonElement root = doc.RootElement;
        Assert.Equal(
            new[] { "model", "job_priority", "name", "description", "system_prompt", "json_schema", "sampling_params", "cost_estimate", "truncate_rows", "inputs" },
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("m", root.GetProperty("model").GetString());
        Assert.Equal(1, root.GetProperty("job_priority").GetInt32());
        Assert.Equal("{\"type\":\"object\"}", root.GetProperty("json_schema").GetRawText());
        Assert.Equal(0.5, root.GetProperty("sampling_params").GetProperty("temperature").GetDouble());
        Assert.True(root.GetProperty("cost_estimate").GetBoolean());
        Assert.False(root.GetProperty("truncate_rows").GetBoolean());
        Assert.Equal(Texts, root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()));

        // The body can be produced again (a redirect sends it anew).
        byte[] second = await new SubmissionContent(submission.Head(), spool, (_, _) => { }, () => { }).ReadAsByteArrayAsync();
        Assert.Equal(body, second);
    }

    [Fact]
    public async Task UrlInputsGoInTheBodyWithTheirColumns()
    {
        var submission = new BatchSubmission
        {
            Model = "m", Name = "n", InputUrl = new Uri("https://storage.example.com/in.parquet?sig=1"), Column = "text", IdColumn = "id",
            TruncateRows = true,
        };
        byte[] body = await new SubmissionContent(submission.Head(), null, (_, _) => { }, () => { }).ReadAsByteArrayAsync();
        Assert.Equal(
            "{\"model\":\"m\",\"job_priority\":0,\"name\":\"n\",\"cost_estimate\":false,\"truncate_rows\":true,\"inputs\":\"https://storage.example.com/in.parquet?sig=1\",\"column_name\":\"text\",\"id_column_name\":\"id\"}",
            Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void GeneratedNamesFollowThePatternAndFitTheLimit()
    {
        var names = Enumerable.Range(0, 50).Select(_ => BatchSubmission.GenerateName(new DateTime(2026, 11, 20, 8, 5, 9, DateTimeKind.Utc))).ToList();
        Assert.All(names, n => Assert.Matches(new Regex("^ps-20261120080509-[a-z0-9]{6}$"), n));
        Assert.All(names, n => Assert.True(n.Length <= BatchSubmission.MaxNameLength));
        Assert.True(names.Distinct().Count() > 45);
    }

    [Theory]
    [InlineData("{\"results\":\"job_1\",\"message\":\"ok\"}", "job_1")]
    [InlineData("{\"job_id\":\"job_2\"}", "job_2")]
    [InlineData("{\"results\":{\"job_id\":\"job_3\"}}", "job_3")]
    [InlineData("{\"results\":\"\",\"job_id\":\"job_4\"}", "job_4")]
    [InlineData("{\"results\":null}", null)]
    [InlineData("{\"results\":42}", null)]
    [InlineData("[\"job_5\"]", null)]
    public void JobIdOfTheAnswer(string answer, string? expected)
    {
        using var doc = JsonDocument.Parse(answer);
        Assert.Equal(expected, SutroApi.JobIdOf(doc.RootElement));
    }
}
