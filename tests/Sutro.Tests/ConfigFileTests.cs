using System;
using System.IO;
using System.Text.Json.Nodes;
using Sutro.Settings;
using Xunit;

namespace Sutro.Tests;

/// <summary>~/.sutro/config.json as Connect-Sutro -Save writes it: atomic, owner-only, other keys kept, links followed.</summary>
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
        Assert.Equal(("https://deploy.example.com/v1", "api_url", "sk_one"), SutroConfigFile.Read(ConfigPath)!.Value);
    }

    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OpenFolder = (UnixFileMode)0b111_101_101;

    [Fact]
    public void TheFileIsOwnerOnlyAndAFolderItCreatesToo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://deploy.example.com"), "sk_one");

        Assert.Equal(OwnerFile, File.GetUnixFileMode(ConfigPath));
        Assert.Equal(OwnerFolder, File.GetUnixFileMode(Folder));
    }

    [Fact]
    public void AFolderThatExistsKeepsItsModeAndTheFileBecomesOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, OpenFolder);
        File.WriteAllText(ConfigPath, "{}");
        File.SetUnixFileMode(ConfigPath, (UnixFileMode)0b110_100_100);

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://deploy.example.com"), "sk_one");

        Assert.Equal(OwnerFile, File.GetUnixFileMode(ConfigPath));
        Assert.Equal(OpenFolder, File.GetUnixFileMode(Folder));
    }

    [Fact]
    public void ALinkedFileIsWrittenThroughAndTheLinkStays()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string shared = Path.Combine(_dir, "dotfiles");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, OpenFolder);
        string target = Path.Combine(shared, "sutro.json");
        File.WriteAllText(target, """{"api_url": "https://old.example.com", "api_key": "sk_old", "theme": "dark"}""");
        Directory.CreateDirectory(Folder);
        File.CreateSymbolicLink(ConfigPath, Path.Combine("..", "dotfiles", "sutro.json"));

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://new.example.com"), "sk_new");

        Assert.Equal(Path.Combine("..", "dotfiles", "sutro.json"), new FileInfo(ConfigPath).LinkTarget);
        var saved = (JsonObject)JsonNode.Parse(File.ReadAllText(target))!;
        Assert.Equal("https://new.example.com/v1", (string?)saved["api_url"]);
        Assert.Equal("sk_new", (string?)saved["api_key"]);
        Assert.Equal("dark", (string?)saved["theme"]);
        Assert.Equal(new[] { target }, Directory.GetFiles(shared));
        Assert.Equal(new[] { ConfigPath }, Directory.GetFileSystemEntries(Folder));
        Assert.Equal(OpenFolder, File.GetUnixFileMode(shared));
        Assert.Equal(("https://new.example.com/v1", "api_url", "sk_new"), SutroConfigFile.Read(ConfigPath)!.Value);
    }

    [Fact]
    public void ALinkedFolderIsWrittenThroughAndItsModeIsLeftAlone()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string real = Path.Combine(_dir, "synced", "sutro");
        Directory.CreateDirectory(real);
        File.SetUnixFileMode(real, OpenFolder);
        Directory.CreateSymbolicLink(Folder, real);

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://deploy.example.com"), "sk_one");

        Assert.Equal(real, new DirectoryInfo(Folder).LinkTarget);
        Assert.Equal(new[] { Path.Combine(real, "config.json") }, Directory.GetFiles(real));
        Assert.Equal(OpenFolder, File.GetUnixFileMode(real));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(Path.Combine(real, "config.json")));
        Assert.Equal("sk_one", (string?)Saved()["api_key"]);
    }

    [Fact]
    public void ANameGivenTwiceCountsWithItsLastValue()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(ConfigPath,
            """{"api_url": "https://one.example.com", "api_key": "sk_first", "api_key": "sk_last", "extra": {"a": 1, "a": 2}}""");

        Assert.Equal(("https://one.example.com", "api_url", "sk_last"), SutroConfigFile.Read(ConfigPath)!.Value);

        SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://one.example.com"), null);
        var saved = Saved();
        Assert.Equal("sk_last", (string?)saved["api_key"]);
        Assert.Equal(2, (int)saved["extra"]!["a"]!);
        Assert.Equal(3, saved.Count);
    }

    [Fact]
    public void ReadSaysWhichNameTheUrlCameFrom()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(ConfigPath, """{"base_url": "https://legacy.example.com", "api_key": "sk_old"}""");

        Assert.Equal(("https://legacy.example.com", "base_url", "sk_old"), SutroConfigFile.Read(ConfigPath)!.Value);
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
        Assert.False(SutroConfigFile.RemovesKey(ConfigPath, ApiUrl.Normalize("https://one.example.com")));
        Assert.False(SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://one.example.com"), "sk_one"));

        Assert.False(SutroConfigFile.RemovesKey(ConfigPath, ApiUrl.Normalize("https://ONE.example.com/v1/")));
        Assert.False(SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://one.example.com/v1/"), null));
        Assert.Equal("sk_one", (string?)Saved()["api_key"]);

        Assert.True(SutroConfigFile.RemovesKey(ConfigPath, ApiUrl.Normalize("https://two.example.com")));
        Assert.True(SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://two.example.com"), null));
        Assert.False(Saved().ContainsKey("api_key"));
        Assert.Equal("https://two.example.com/v1", (string?)Saved()["api_url"]);

        // No key left: nothing more to remove.
        Assert.False(SutroConfigFile.RemovesKey(ConfigPath, ApiUrl.Normalize("https://three.example.com")));
        Assert.False(SutroConfigFile.Save(ConfigPath, ApiUrl.Normalize("https://three.example.com"), null));
    }

    [Theory]
    [InlineData("""{"api_key": "sk_one"}""", true)]
    [InlineData("""{"base_url": "https://one.example.com", "api_key": "sk_one"}""", false)]
    [InlineData("""{"base_url": "https://api.sutro.sh", "api_key": "sk_one"}""", true)]
    [InlineData("""{"api_url": "not a url", "api_key": "sk_one"}""", true)]
    [InlineData("""{"api_url": "https://two.example.com"}""", false)]
    [InlineData("""{"api_url": "https://two.example.com", "api_key": ""}""", false)]
    public void SavingAUrlAloneSaysWhetherItRemovesTheKey(string file, bool removes)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(ConfigPath, file);
        var url = ApiUrl.Normalize("https://one.example.com");

        Assert.Equal(removes, SutroConfigFile.RemovesKey(ConfigPath, url));
        Assert.Equal(removes, SutroConfigFile.Save(ConfigPath, url, null));
        Assert.Equal(removes || !file.Contains("sk_one", StringComparison.Ordinal) ? null : "sk_one", (string?)Saved()["api_key"]);
        Assert.Equal("https://one.example.com/v1", (string?)Saved()["api_url"]);
    }

    [Fact]
    public void RemovesKeyIsFalseWithoutAFile() =>
        Assert.False(SutroConfigFile.RemovesKey(ConfigPath, ApiUrl.Normalize("https://one.example.com")));

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
