using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Sutro.Api;
using Xunit;

namespace Sutro.Tests;

public class ApiLayerTests
{
    [Fact]
    public void AboutSutroListsExactlyTheErrorIds()
    {
        string about = File.ReadAllText(Canonical.FixturePath("..", "..", "docs", "en-US", "about_Sutro.md"));
        int start = about.IndexOf("## Error ids and what to do about each", StringComparison.Ordinal);
        int end = about.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "about_Sutro has no error list section");
        var documented = Regex.Matches(about[start..end], @"^- ([A-Za-z]+(?:, [A-Za-z]+)*):", RegexOptions.Multiline)
            .SelectMany(m => m.Groups[1].Value.Split(", "))
            .Distinct()
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();
        var constants = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(constants, documented);
        Assert.All(typeof(ErrorIds).GetFields().Where(f => f.IsLiteral), f => Assert.Equal(f.Name, f.GetRawConstantValue()));
    }

    [Fact]
    public void ABareListOfOutputsBecomesTheOutputsArray()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"message": "ok", "results": ["a", {"b": [1, "]"]}, null, "x\"]}"]}""");
            Assert.Equal(49, JobResultsAnswer.UnwrapBareList(path));
            Assert.Equal("""{"outputs":["a", {"b": [1, "]"]}, null, "x\"]}"]}""", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ABareListLongerThanTheReadBufferIsCopiedWhole()
    {
        string path = Path.GetTempFileName();
        try
        {
            var list = string.Join(",", Enumerable.Range(0, 50_000).Select(i => $"\"row {i}\""));
            File.WriteAllText(path, "{\"results\": [" + list + "], \"message\": \"ok\"}");
            JobResultsAnswer.UnwrapBareList(path);
            Assert.Equal("{\"outputs\":[" + list + "]}", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"results": {"outputs": ["a"]}, "message": "ok"}""")]
    [InlineData("""{"outputs": ["a"]}""")]
    [InlineData("""["a"]""")]
    [InlineData("""{"results": [1, 2""")]
    public void AnythingElseIsLeftAsItIs(string json)
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            Assert.Null(JobResultsAnswer.UnwrapBareList(path));
            Assert.Equal(json, File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
