using System;
using System.Collections.Generic;
using System.IO;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Where the URL and key come from, highest first: -ApiUrl/-ApiKey, Connect-Sutro, the environment
/// pair, ~/.sutro/config.json, the central host; and a key never goes to another URL.
/// </summary>
public class SettingsResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-settings-").FullName;
    private readonly Dictionary<string, string> _env = new();
    private SutroEndpoint? _session;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigPath => Path.Combine(_dir, ".sutro", "config.json");

    private void Config(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, json);
    }

    private SutroEndpoint Resolve(string? url = null, string? key = null) =>
        SettingsResolver.Resolve(url, key, _session, name => _env.TryGetValue(name, out var v) ? v : null, ConfigPath);

    private SettingsException Fails(string? url = null, string? key = null) =>
        Assert.Throws<SettingsException>(() => Resolve(url, key));

    private static SutroEndpoint Endpoint(string url, string key) => new(ApiUrl.Normalize(url), key, SettingsResolver.SessionSource);

    [Fact]
    public void ExplicitPairWinsOverEverything()
    {
        _session = Endpoint("https://session.example.com", "sk_session");
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_env";
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");

        var endpoint = Resolve("https://explicit.example.com", "sk_explicit");

        Assert.Equal("https://explicit.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_explicit", endpoint.Key);
        Assert.Equal("-ApiUrl/-ApiKey", endpoint.Source);
    }

    [Fact]
    public void SessionWinsOverEnvironmentAndConfig()
    {
        _session = Endpoint("https://session.example.com", "sk_session");
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_env";
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");

        var endpoint = Resolve();

        Assert.Equal("https://session.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_session", endpoint.Key);
        Assert.Equal("Connect-Sutro", endpoint.Source);
    }

    [Fact]
    public void EnvironmentWinsOverConfig()
    {
        _env["SUTRO_API_URL"] = "https://env.example.com/v1";
        _env["SUTRO_API_KEY"] = "sk_env";
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");

        var endpoint = Resolve();

        Assert.Equal("https://env.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_env", endpoint.Key);
        Assert.Equal(SettingsResolver.EnvironmentSource, endpoint.Source);
    }

    [Fact]
    public void ConfigIsUsedWhenNothingElseIsSet()
    {
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config", "other": [1, 2]}""");

        var endpoint = Resolve();

        Assert.Equal("https://config.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_config", endpoint.Key);
        Assert.Equal(ConfigPath, endpoint.Source);
    }

    [Fact]
    public void ConfigApiUrlPrecedesTheOlderBaseUrl()
    {
        Config("""{"base_url": "https://legacy.example.com", "api_url": "https://current.example.com", "api_key": "sk_config"}""");
        Assert.Equal("https://current.example.com/v1/", Resolve().BaseUri.AbsoluteUri);

        Config("""{"base_url": "https://legacy.example.com", "api_key": "sk_config"}""");
        Assert.Equal("https://legacy.example.com/v1/", Resolve().BaseUri.AbsoluteUri);
    }

    [Fact]
    public void ConfigKeyWithoutUrlBelongsToTheCentralHost()
    {
        Config("""{"api_key": "sk_config"}""");

        var endpoint = Resolve();

        Assert.Equal("https://api.sutro.sh/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_config", endpoint.Key);
    }

    [Fact]
    public void EitherEnvironmentVariableTakesBothFromTheEnvironment()
    {
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");
        _env["SUTRO_API_URL"] = "https://env.example.com";

        var noKey = Fails();
        Assert.Equal("ApiKeyNotFound", noKey.ErrorId);
        Assert.Equal("https://env.example.com/v1/", noKey.ApiUrl!.AbsoluteUri);

        _env.Clear();
        _env["SUTRO_API_KEY"] = "sk_env";
        var endpoint = Resolve();
        Assert.Equal("https://api.sutro.sh/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_env", endpoint.Key);
    }

    [Fact]
    public void ExplicitUrlReusesAKeyOnlyForTheSameUrl()
    {
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_env";

        Assert.Equal("sk_env", Resolve("https://env.example.com/v1/").Key);
        var refused = Fails("https://other.example.com");
        Assert.Equal("ApiKeyNotFound", refused.ErrorId);
        Assert.DoesNotContain("sk_env", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SessionKeyIsNotSentToAnotherUrl()
    {
        _session = Endpoint("https://session.example.com", "sk_session");
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");

        Assert.Equal("sk_config", Resolve("https://config.example.com").Key);
        Assert.Equal("ApiKeyNotFound", Fails("https://third.example.com").ErrorId);
    }

    [Fact]
    public void ExplicitKeyGoesWithTheFirstUrlFound()
    {
        _env["SUTRO_API_URL"] = "https://env.example.com";

        var endpoint = Resolve(key: "sk_explicit");

        Assert.Equal("https://env.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_explicit", endpoint.Key);
    }

    [Fact]
    public void NothingAtAllNamesEveryPlaceLookedAt()
    {
        var ex = Fails();

        Assert.Equal("ApiKeyNotFound", ex.ErrorId);
        Assert.True(ex.IsMissingKey);
        Assert.Equal("https://api.sutro.sh/", ex.ApiUrl!.AbsoluteUri);
        foreach (string place in new[] { "-ApiKey", "Connect-Sutro", "SUTRO_API_URL", "SUTRO_API_KEY", ConfigPath, "https://api.sutro.sh/" })
        {
            Assert.Contains(place, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ABrokenConfigFileDoesNotMatterWhileAHigherSourceAnswers()
    {
        Config("{ not json");
        _session = Endpoint("https://session.example.com", "sk_session");
        Assert.Equal("sk_session", Resolve().Key);

        _session = null;
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_env";
        Assert.Equal("sk_env", Resolve().Key);
    }

    [Theory]
    [InlineData("SUTRO_API_URL", "http://deploy.example.com", "plain http")]
    [InlineData("SUTRO_API_URL", "https://deploy.example.com?x=1", "query")]
    public void ARefusedEnvironmentUrlIsASettingsError(string name, string value, string reason)
    {
        _env[name] = value;
        _env["SUTRO_API_KEY"] = "sk_env";

        var ex = Fails();

        Assert.Equal("SettingsInvalid", ex.ErrorId);
        Assert.StartsWith("SUTRO_API_URL:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_env", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigFileThatIsNotJsonIsASettingsError()
    {
        Config("{ not json");

        var ex = Fails();

        Assert.Equal("SettingsInvalid", ex.ErrorId);
        Assert.Contains(ConfigPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConnectionsProxyGoesOnlyWithTheConnectionsKey()
    {
        var proxy = new Uri("http://proxy.corp.example:3128/");
        _session = new SutroEndpoint(ApiUrl.Normalize("https://session.example.com"), "sk_session", SettingsResolver.SessionSource) { Proxy = proxy };
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_env";

        var fromConnection = Resolve();
        Assert.Equal("sk_session", fromConnection.Key);
        Assert.Equal(proxy, fromConnection.Proxy);

        // The connection's URL named with the call still uses the connection's key, and so its proxy.
        Assert.Equal(proxy, Resolve("https://session.example.com").Proxy);

        // A key given with the call, or found elsewhere, goes without it.
        Assert.Null(Resolve("https://session.example.com", "sk_call").Proxy);
        var fromEnvironment = Resolve("https://env.example.com");
        Assert.Equal("sk_env", fromEnvironment.Key);
        Assert.Null(fromEnvironment.Proxy);
    }
}
