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
    [InlineData("  https://deploy.example.com  ", "https://deploy.example.com/v1/")]
    [InlineData("https://sutro.example.com", "https://sutro.example.com/v1/")]
    [InlineData("https://api.sutro.sh.example.com", "https://api.sutro.sh.example.com/v1/")]
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
    [InlineData("sk_secret_key", "not an absolute http(s) URL")]
    [InlineData("https://user:secret@deploy.example.com", "user name or password")]
    [InlineData("https://deploy.example.com?token=abc", "query")]
    [InlineData("https://deploy.example.com/v1#top", "fragment")]
    [InlineData("http://deploy.example.com", "plain http")]
    [InlineData("http://10.0.0.5:8000", "plain http")]
    [InlineData("https://deploy.example.com/api/sutro", "must be a Sutro deployment origin or end at its /v1 API prefix")]
    [InlineData("https://deploy.example.com/v2", "must be a Sutro deployment origin or end at its /v1 API prefix")]
    [InlineData("https://deploy.example.com/v1/jobs", "must be a Sutro deployment origin or end at its /v1 API prefix")]
    [InlineData("https://deploy.example.com/V1", "must be a Sutro deployment origin or end at its /v1 API prefix")]
    public void RefusesWhatTheSdkRefuses(string given, string reason)
    {
        var ex = Assert.Throws<SettingsException>(() => ApiUrl.Normalize(given));
        Assert.Equal("SettingsInvalid", ex.ErrorId);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.sutro.sh")]
    [InlineData("https://api.sutro.sh/")]
    [InlineData("https://API.Sutro.SH/v1")]
    [InlineData("https://api.sutro.sh.:8443")]
    [InlineData("http://api.sutro.sh")]
    [InlineData("https://eu.api.sutro.sh")]
    [InlineData("https://serve.sutro.sh/v1")]
    [InlineData("https://api.materialized.dev")]
    [InlineData("https://acme--tensor-factory-fastapi-app.modal.run")]
    [InlineData("https://api.sutro.sh/some/path?q=1")]
    public void RefusesTheRetiredHostsWithTheWayForward(string given)
    {
        var ex = Assert.Throws<SettingsException>(() => ApiUrl.Normalize(given, "SUTRO_API_URL"));

        Assert.Equal("RetiredApiHost", ex.ErrorId);
        Assert.StartsWith("SUTRO_API_URL: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("retired Sutro host", ex.Message, StringComparison.Ordinal);
        Assert.Contains("your Sutro deployment's URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("API Keys panel", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameEndpointComparesSchemeHostPortAndPath()
    {
        Assert.True(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://A.example.com/v1/")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://b.example.com")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("https://a.example.com"), ApiUrl.Normalize("https://a.example.com:8443")));
        Assert.False(ApiUrl.SameEndpoint(ApiUrl.Normalize("http://localhost:1"), ApiUrl.Normalize("http://127.0.0.1:1")));
    }
}
