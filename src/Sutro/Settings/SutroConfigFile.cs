using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sutro.Settings;

/// <summary>
/// <c>~/.sutro/config.json</c>, the file the Python CLI's <c>sutro login</c> writes: <c>api_url</c> (older
/// files: <c>base_url</c>) and <c>api_key</c>. Written atomically (a temporary file in the same folder,
/// then a rename), owner-only on Unix (0600; a folder it creates is 0700), keeping every key it does not
/// know. A name given twice counts with its last value, as Python's json module reads it. A symbolic link
/// (the file, or the folder) is written through: the link stays and its target gets the new settings.
/// </summary>
internal static class SutroConfigFile
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".sutro", "config.json");

    /// <summary>
    /// The URL and key the file holds (each may be null) and the name the URL was found under
    /// (api_url or base_url), or null when there is no file.
    /// </summary>
    public static (string? Url, string UrlField, string? Key)? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JsonObject config = Load(path);
        string? url = StringOf(config, "api_url");
        string field = "api_url";
        if (url is null && StringOf(config, "base_url") is { } legacy)
        {
            (url, field) = (legacy, "base_url");
        }

        return (url, field, StringOf(config, "api_key"));
    }

    /// <summary>
    /// True when saving <paramref name="apiUrl"/> without a key would remove the key the file holds: it was
    /// saved for another deployment (or with no URL, or with one the rules refuse). False when there is no file or no key.
    /// </summary>
    public static bool RemovesKey(string path, Uri apiUrl)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        JsonObject config = Load(path);
        return StringOf(config, "api_key") is not null && !KeyBelongsTo(config, apiUrl);
    }

    /// <summary>
    /// Saves the URL, and the key when one is given. Saving a different URL without a key removes the
    /// saved key, since a key belongs to one deployment (as the Python SDK does). Returns true when a saved
    /// key was removed.
    /// </summary>
    public static bool Save(string path, Uri apiUrl, string? apiKey)
    {
        // Through a link to the file, its final target is what gets replaced (the link stays).
        string target = Path.GetFullPath(path);
        try
        {
            var file = new FileInfo(target);
            if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } linked)
            {
                target = linked.FullName;
            }
        }
        catch (IOException ex)
        {
            throw new SettingsException($"Could not follow the link {path}: {ex.Message}");
        }

        string folder = Path.GetDirectoryName(target)!;
        EnsureFolder(folder, path);

        JsonObject config = File.Exists(path) ? Load(path) : new JsonObject();
        string url = apiUrl.AbsoluteUri.TrimEnd('/');
        bool removed = false;
        if (apiKey is null)
        {
            if (!KeyBelongsTo(config, apiUrl))
            {
                removed = StringOf(config, "api_key") is not null;
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
        WriteAtomically(target, folder, bytes, path);
        return removed;
    }

    /// <summary>True when the file's URL (api_url, else base_url) is <paramref name="apiUrl"/>'s deployment.</summary>
    private static bool KeyBelongsTo(JsonObject config, Uri apiUrl) =>
        (StringOf(config, "api_url") ?? StringOf(config, "base_url")) is { } saved && SameUrl(saved, apiUrl);

    /// <summary>
    /// Creates the folder when it is missing, owner-only on Unix. A folder that exists (or a link to one)
    /// is left as it is: its mode belongs to whoever made it; the file itself is written owner-only.
    /// </summary>
    private static void EnsureFolder(string folder, string path)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, OwnerFolder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Could not create the folder {folder} for the settings file {path}: {ex.Message}");
        }
    }

    private static void WriteAtomically(string target, string folder, byte[] bytes, string path)
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

            File.Move(temporary, target, overwrite: true);
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
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path),
                new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (JsonObject)ToNode(document.RootElement)!
                : throw new SettingsException($"The settings file {path} does not hold a JSON object. Fix it, or delete it and run Connect-Sutro -Save.");
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

    /// <summary>A JSON value as a node, where a name given twice in an object keeps its last value.</summary>
    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    array.Add(ToNode(item));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
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
        catch (SettingsException)
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
