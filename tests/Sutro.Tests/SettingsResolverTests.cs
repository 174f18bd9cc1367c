using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// Where the URL and key come from, highest first: -ApiUrl/-ApiKey, Connect-Sutro, the environment
/// pair, ~/.sutro/config.json; no default URL and no retired host; and a key never goes to another URL.
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
    public void AConfigKeyWithoutAUrlIsNeverSentAnywhere()
    {
        Config("""{"api_key": "sk_config"}""");

        var noUrl = Fails();
        Assert.Equal("ApiUrlNotSet", noUrl.ErrorId);
        Assert.Contains($"{ConfigPath} holds an api_key but no api_url", noUrl.Message, StringComparison.Ordinal);

        var noKey = Fails("https://deploy.example.com");
        Assert.Equal("ApiKeyNotFound", noKey.ErrorId);
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
        var noUrl = Fails();
        Assert.Equal("ApiUrlNotSet", noUrl.ErrorId);
        Assert.Contains("SUTRO_API_KEY is set but SUTRO_API_URL is not", noUrl.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_env", noUrl.Message, StringComparison.Ordinal);
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
    public void ExplicitKeyGoesWithTheEnvironmentsUrl()
    {
        _env["SUTRO_API_URL"] = "https://env.example.com";

        var endpoint = Resolve(key: "sk_explicit");

        Assert.Equal("https://env.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_explicit", endpoint.Key);
    }

    [Fact]
    public void ExplicitKeyGoesWithTheConnectionsUrlBeforeTheEnvironments()
    {
        _session = Endpoint("https://session.example.com", "sk_session");
        _env["SUTRO_API_URL"] = "https://env.example.com";

        var endpoint = Resolve(key: "sk_explicit");

        Assert.Equal("https://session.example.com/v1/", endpoint.BaseUri.AbsoluteUri);
        Assert.Equal("sk_explicit", endpoint.Key);
        Assert.Equal("-ApiUrl/-ApiKey", endpoint.Source);
    }

    [Fact]
    public void ExplicitKeyNeverPairsWithTheUrlSavedInTheFile()
    {
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_config"}""");

        var ex = Fails(key: "sk_explicit");

        Assert.Equal("ApiUrlNotSet", ex.ErrorId);
        Assert.Contains("never to the URL saved in " + ConfigPath, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_explicit", ex.Message, StringComparison.Ordinal);
        Assert.Equal("https://config.example.com/v1/", Resolve("https://config.example.com", "sk_explicit").BaseUri.AbsoluteUri);
    }

    [Fact]
    public void NothingAtAllIsNoUrlAndNamesWhereToSetOne()
    {
        var ex = Fails();

        Assert.Equal("ApiUrlNotSet", ex.ErrorId);
        Assert.False(ex.IsMissingKey);
        Assert.Null(ex.ApiUrl);
        foreach (string place in new[] { "SUTRO_API_URL", "Connect-Sutro", "-ApiUrl", ConfigPath, "API Keys panel" })
        {
            Assert.Contains(place, ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("sutro.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoKeyForTheUrlNamesEveryPlaceLookedAt()
    {
        var ex = Fails("https://deploy.example.com");

        Assert.Equal("ApiKeyNotFound", ex.ErrorId);
        Assert.True(ex.IsMissingKey);
        Assert.Equal("https://deploy.example.com/v1/", ex.ApiUrl!.AbsoluteUri);
        foreach (string place in new[] { "-ApiKey", "Connect-Sutro", "SUTRO_API_URL", "SUTRO_API_KEY", ConfigPath })
        {
            Assert.Contains(place, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("api_url", "https://api.sutro.sh")]
    [InlineData("base_url", "https://api.sutro.sh")]
    [InlineData("base_url", "https://serve.sutro.sh/v1")]
    [InlineData("api_url", "https://jobs--tensor-factory-fastapi-app.modal.run")]
    public void AConfigFileNamingARetiredHostIsRefused(string field, string url)
    {
        Config($$"""{"{{field}}": "{{url}}", "api_key": "sk_config"}""");

        var ex = Fails();
        Assert.Equal("RetiredApiHost", ex.ErrorId);
        Assert.StartsWith($"{ConfigPath} ({field}): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("API Keys panel", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_config", ex.Message, StringComparison.Ordinal);

        // A retired host is refused even when a key is given with the call.
        Assert.Equal("RetiredApiHost", Fails("https://api.sutro.sh", "sk_explicit").ErrorId);
    }

    [Fact]
    public void ARetiredHostIsRefusedFromTheCallAndTheEnvironment()
    {
        Assert.StartsWith("-ApiUrl: ", Fails("https://eu.api.sutro.sh/v1", "sk_explicit").Message, StringComparison.Ordinal);

        _env["SUTRO_API_URL"] = "https://api.materialized.dev";
        _env["SUTRO_API_KEY"] = "sk_env";
        var fromEnvironment = Fails();
        Assert.Equal("RetiredApiHost", fromEnvironment.ErrorId);
        Assert.StartsWith("SUTRO_API_URL: ", fromEnvironment.Message, StringComparison.Ordinal);
        Assert.Equal("RetiredApiHost", Fails(key: "sk_explicit").ErrorId);
    }

    [Theory]
    [InlineData("sk_env\\n", "sk_env")]
    [InlineData("  sk_env\\r\\n", "sk_env")]
    [InlineData("\\tsk_env ", "sk_env")]
    public void KeysLoseSurroundingWhitespaceFromEverySource(string jsonKey, string expected)
    {
        string raw = JsonSerializer.Deserialize<string>($"\"{jsonKey}\"")!;
        Assert.Equal(expected, Resolve("https://x.example.com", raw).Key);

        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = raw;
        Assert.Equal(expected, Resolve().Key);

        _env.Clear();
        Config($$"""{"api_url": "https://config.example.com", "api_key": "{{jsonKey}}"}""");
        Assert.Equal(expected, Resolve().Key);
    }

    [Theory]
    [InlineData("-ApiKey")]
    [InlineData("SUTRO_API_KEY")]
    [InlineData("config")]
    public void AKeyWithAControlCharacterInsideIsRefusedNamingWhereItCameFrom(string from)
    {
        const string key = "sk_live_a\\r\\nX-Injected: evil";
        string raw = JsonSerializer.Deserialize<string>($"\"{key}\"")!;
        SettingsException ex;
        string expectedSource;
        switch (from)
        {
            case "-ApiKey":
                ex = Fails("https://x.example.com", raw);
                expectedSource = "-ApiKey";
                break;
            case "SUTRO_API_KEY":
                _env["SUTRO_API_URL"] = "https://env.example.com";
                _env["SUTRO_API_KEY"] = raw;
                ex = Fails();
                expectedSource = "SUTRO_API_KEY";
                break;
            default:
                Config($$"""{"api_url": "https://config.example.com", "api_key": "{{key}}"}""");
                ex = Fails();
                expectedSource = ConfigPath + " (api_key)";
                break;
        }

        Assert.Equal("SettingsInvalid", ex.ErrorId);
        Assert.StartsWith($"The API key from {expectedSource} holds a control character", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Injected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnusedKeyLowerDownDoesNotMatter()
    {
        _session = Endpoint("https://session.example.com", "sk_session");
        _env["SUTRO_API_URL"] = "https://env.example.com";
        _env["SUTRO_API_KEY"] = "sk_bad\u0007key";

        Assert.Equal("sk_session", Resolve().Key);
    }

    [Fact]
    public void ADuplicateKeyInTheFileTakesItsLastValue()
    {
        Config("""{"api_url": "https://config.example.com", "api_key": "sk_first", "api_key": "sk_last"}""");

        Assert.Equal("sk_last", Resolve().Key);
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
