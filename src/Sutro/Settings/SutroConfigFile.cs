using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sutro.Settings;

/// <summary>
/// <c>~/.sutro/config.json</c>, the file the Python CLI's <c>sutro login</c> writes: <c>api_url</c> (older
/// files: <c>base_url</c>) and <c>api_key</c>. Written atomically (a temporary file in the same folder,
/// then a rename), owner-only on Unix (0600 in a 0700 folder), keeping every key it does not know.
/// </summary>
internal static class SutroConfigFile
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sutro", "config.json");

    /// <summary>The URL and key the file holds (each may be null), or null when there is no file.</summary>
    public static (string? Url, string? Key)? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JsonObject config = Load(path);
        string? url = StringOf(config, "api_url") ?? StringOf(config, "base_url");
        return (url, StringOf(config, "api_key"));
    }

    /// <summary>
    /// Saves the URL, and the key when one is given. Saving a different URL without a key removes the
    /// saved key, since a key belongs to one deployment (as the Python SDK does).
    /// </summary>
    public static void Save(string path, Uri apiUrl, string? apiKey)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        EnsureFolder(folder);

        JsonObject config = File.Exists(path) ? Load(path) : new JsonObject();
        string url = apiUrl.AbsoluteUri.TrimEnd('/');
        if (apiKey is null)
        {
            string? saved = StringOf(config, "api_url") ?? StringOf(config, "base_url");
            if (saved is null || !SameUrl(saved, apiUrl))
            {
                config.Remove("api_key");
            }
        }
        else
        {
            config["api_key"] = apiKey;
        }

        config["api_url"] = url;
        if (config.ContainsKey("base_url"))
        {
            // Older clients read base_url: point it at the same deployment, so they never pair the
            // key with a URL it was not saved for.
            config["base_url"] = url;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        WriteAtomically(path, folder, bytes);
    }

    private static void EnsureFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerFolder);
        }

        try
        {
            File.SetUnixFileMode(folder, OwnerFolder);
        }
        catch (UnauthorizedAccessException)
        {
            // Not our folder: the file itself is still written owner-only.
        }
    }

    private static void WriteAtomically(string path, string folder, byte[] bytes)
    {
        string temporary = Path.Combine(folder, $".config.json.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerFile;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, OwnerFile);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new SettingsException($"Could not write the settings file {path}: {ex.Message}");
        }
    }

    private static JsonObject Load(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new SettingsException($"The settings file {path} does not hold a JSON object. Fix it, or delete it and run Connect-Sutro -Save.");
        }
        catch (JsonException ex)
        {
            throw new SettingsException($"The settings file {path} is not valid JSON ({ex.Message}). Fix it, or delete it and run Connect-Sutro -Save.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Could not read the settings file {path}: {ex.Message}");
        }
    }

    private static string? StringOf(JsonObject config, string name) =>
        config[name] is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrEmpty(text) ? text : null;

    private static bool SameUrl(string saved, Uri url)
    {
        try
        {
            return ApiUrl.SameEndpoint(ApiUrl.Normalize(saved), url);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
