using System;
using Sutro.Http;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>The key is removed from shown text, also where the text spells it with escapes.</summary>
public class KeyRedactionTests
{
    private const string Key = "sk_live_A/b\"c";

    private static string Redact(string text) =>
        new SutroApiClient(new SutroEndpoint(ApiUrl.Normalize("https://deploy.example.com"), Key, "-ApiUrl/-ApiKey"), _ => { })
            .Redact(text);

    [Theory]
    [InlineData("Key sk_live_A/b\"c refused", "Key *** refused")]
    [InlineData("Key sk\\u005flive\\u005FA\\/b\\\"c refused", "Key *** refused")]
    [InlineData("{\"detail\": {\"key\": \"sk\\u005flive_\\u0041/b\\u0022c\"}}", "{\"detail\": {\"key\": \"***\"}}")]
    [InlineData("<title>sk&#95;live&#x5F;A/b&quot;c</title>", "<title>***</title>")]
    [InlineData("<title>sk&#95;live&#x5F;A/b&#34;c</title>", "<title>***</title>")]
    [InlineData("?key=sk%5Flive%5fA%2Fb%22c&x=1", "?key=***&x=1")]
    [InlineData("two: sk_live_A/b\"c and sk\\u005flive_A/b\"c", "two: *** and ***")]
    [InlineData("no key here: sk_live_other 100% \\n", "no key here: sk_live_other 100% \\n")]
    public void RemovesThePlainAndTheEscapedKey(string text, string expected)
    {
        Assert.Equal(expected, Redact(text));
    }

    private static string RedactShort(string text) =>
        new SutroApiClient(new SutroEndpoint(ApiUrl.Normalize("https://deploy.example.com"), "abc", "-ApiUrl/-ApiKey"), _ => { })
            .Redact(text);

    [Theory]
    [InlineData("abcdef", "abcdef")]
    [InlineData("xabc and abc_def and abc-1 and abcabc and abc9", "xabc and abc_def and abc-1 and abcabc and abc9")]
    [InlineData("abc", "***")]
    [InlineData("Key abc refused.", "Key *** refused.")]
    [InlineData("(abc) 'abc' \"abc\" abc/abc", "(***) '***' \"***\" ***/***")]
    [InlineData("?key=abc&x=abcd", "?key=***&x=abcd")]
    [InlineData("?q=%22abc%22&r=%22abcd%22", "?q=%22***%22&r=%22abcd%22")]
    [InlineData("{\"k\": \"\\u0061bc\", \"n\": \"x\\nabc\"}", "{\"k\": \"***\", \"n\": \"x\\n***\"}")]
    [InlineData("the Abc of it", "the Abc of it")]
    [InlineData("\u00e9abc \u00e9 abc", "\u00e9abc \u00e9 ***")]
    public void MasksAShortKeyOnlyAsAWholeToken(string text, string expected)
    {
        Assert.Equal(expected, RedactShort(text));
    }

    [Fact]
    public void MasksAKeyWhoseEdgesAreNotWordCharactersWhereverItStands()
    {
        var client = new SutroApiClient(new SutroEndpoint(ApiUrl.Normalize("https://deploy.example.com"), "/k+y=", "-ApiUrl/-ApiKey"), _ => { });
        Assert.Equal("x***y and ***", client.Redact("x/k+y=y and /k+y="));
    }
}
