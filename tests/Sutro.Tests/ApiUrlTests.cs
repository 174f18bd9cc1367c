using System;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>The API URL rules, as the Python SDK applies them.</summary>
public class ApiUrlTests
{
    [Theory]
    [InlineData("https://deploy.example.com", "https://deploy.example.com/v1/")]
    [InlineData("https://deploy.example.com/", "https://deploy.example.com/v1/")]
    [InlineData("https://deploy.example.com/v1", "https://deploy.example.com/v1/")]
    [InlineData("https://deploy.example.com/v1/", "https://deploy.example.com/v1/")]
    [InlineData("https://DEPLOY.Example.com:8443", "https://deploy.example.com:8443/v1/")]
    [InlineData("https://deploy.example.com/api/sutro", "https://deploy.example.com/api/sutro/")]
    [InlineData("  https://deploy.example.com  ", "https://deploy.example.com/v1/")]
    [InlineData("https://api.sutro.sh", "https://api.sutro.sh/")]
    [InlineData("https://api.sutro.sh/", "https://api.sutro.sh/")]
    [InlineData("https://api.sutro.sh/v1", "https://api.sutro.sh/v1/")]
    [InlineData("https://api.sutro.sh:8443", "https://api.sutro.sh:8443/v1/")]
    [InlineData("http://localhost:8000", "http://localhost:8000/v1/")]
    [InlineData("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/")]
    [InlineData("http://[::1]:8000", "http://[::1]:8000/v1/")]
    public void NormalizesAsTheSdkDoes(string given, string expected)
    {
        Assert.Equal(expected, ApiUrl.Normalize(given).AbsoluteUri);
    }

    [Theory]
    [InlineData("deploy.example.com", "not an absolute http(s) URL")]
    [InlineData("ftp://deploy.example.com", "not an absolute http(s) URL")]
    [InlineData("", "not an absolute http(s) URL")]
    [InlineData("https://user:secret@deploy.example.com", "user name or password")]
    [InlineData("https://deploy.example.com?token=abc", "query")]
    [InlineData("https://deploy.example.com/v1#top", "fragment")]
    [InlineData("http://deploy.example.com", "plain http")]
    [InlineData("http://10.0.0.5:8000", "plain http")]
    public void RefusesWhatTheSdkRefuses(string given, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => ApiUrl.Normalize(given));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameEndpointComparesSchemeHostPortAndPath()
    {
        Assert.True(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://A.example.com/v1/")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://b.example.com")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://a.example.com:8443")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com/v1"), ApiUrl.Normalize("https://a.example.com/v2")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("http://localhost:1"), ApiUrl.Normalize("http://127.0.0.1:1")));
    }
}
