using System;
using System.IO;
using System.Text.Json.Nodes;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>~/.sutro/config.json as Connect-Sutro -Save writes it: atomic, owner-only, other keys kept.</summary>
public class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sutro-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder => Path.Combine(_dir, ".sutro");

    private string ConfigPath => Path.Combine(Folder, "config.json");

    private JsonObject Saved() => (JsonObject)JsonNode.Parse(File.ReadAllText(ConfigPath))!;

    [Fact]
    public void CreatesTheFolderAndFileWithUrlAndKey()
    {
        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://deploy.example.com"), "sk_one");

        var saved = Saved();
        Assert.Equal("https://deploy.example.com/v1", (string?)saved["api_url"]);
        Assert.Equal("sk_one", (string?)saved["api_key"]);
        Assert.Equal(2, saved.Count);
        Assert.Equal(new[] { ConfigPath }, Directory.GetFiles(Folder));
        Assert.Equal(("https://deploy.example.com/v1", "sk_one"), SutroConfigFile.Read(ConfigPath)!.Value);
    }

    [Fact]
    public void IsOwnerOnlyOnUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101);
        File.WriteAllText(ConfigPath, "{}");
        File.SetUnixFileMode(ConfigPath, (UnixFileMode)0b110_100_100);

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://deploy.example.com"), "sk_one");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Folder));
    }

    [Fact]
    public void KeepsKeysItDoesNotKnowAndUpdatesBaseUrl()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(ConfigPath, """{"base_url": "https://old.example.com", "api_key": "sk_old", "telemetry": false, "profile": {"team": "ops"}}""");

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://new.example.com/v1"), "sk_new");

        var saved = Saved();
        Assert.Equal("https://new.example.com/v1", (string?)saved["api_url"]);
        Assert.Equal("https://new.example.com/v1", (string?)saved["base_url"]);
        Assert.Equal("sk_new", (string?)saved["api_key"]);
        Assert.False((bool)saved["telemetry"]!);
        Assert.Equal("ops", (string?)saved["profile"]!["team"]);
    }

    [Fact]
    public void SavingAnotherUrlWithoutAKeyClearsTheSavedKey()
    {
        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://one.example.com"), "sk_one");

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://one.example.com/v1/"), null);
        Assert.Equal("sk_one", (string?)Saved()["api_key"]);

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://two.example.com"), null);
        Assert.False(Saved().ContainsKey("api_key"));
        Assert.Equal("https://two.example.com/v1", (string?)Saved()["api_url"]);
    }

    [Fact]
    public void RefusesToOverwriteAFileItCannotRead()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(ConfigPath, "[1, 2");

        var ex = Assert.Throws<SettingsException>(() => SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://x.example.com"), "sk_x"));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_x", ex.Message, StringComparison.Ordinal);
        Assert.Equal("[1, 2", File.ReadAllText(ConfigPath));
        Assert.Equal(new[] { ConfigPath }, Directory.GetFiles(Folder));
    }
}
