using System;
using Sutro.Http;
using Xunit;

namespace Sutro.Tests;

public class RedirectPolicyTests
{
    [Theory]
    [InlineData("https://api.example.com/v1/jobs/x/results", "https://storage.example.net/a?sig=1")]
    [InlineData("http://127.0.0.1:5000/v1/jobs/x/results", "http://127.0.0.1:5001/jobs/x/results")]
    [InlineData("http://127.0.0.1:5000/v1/jobs/x/results", "https://storage.example.net/a")]
    public void FollowsHttpsAndHttpFromHttp(string from, string to) =>
        Assert.Null(RedirectPolicy.Refusal(new Uri(from), new Uri(to)));

    [Fact]
    public void RefusesADowngradeFromHttpsToHttp() =>
        Assert.Equal(
            "The server redirected from https to plain http (http://storage.example.net); refusing to downgrade the connection.",
            RedirectPolicy.Refusal(new Uri("https://api.example.com/v1/x"), new Uri("http://storage.example.net/a")));

    [Theory]
    [InlineData("ftp://files.example.com/a")]
    [InlineData("file:///etc/passwd")]
    public void RefusesOtherSchemes(string to) =>
        Assert.StartsWith("The server redirected to a '", RedirectPolicy.Refusal(new Uri("http://127.0.0.1/v1/x"), new Uri(to)));
}
