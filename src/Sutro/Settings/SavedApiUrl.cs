using System;

namespace Sutro;

/// <summary>
/// What Set-SutroApiUrl -PassThru writes: the API URL saved in the settings file, the file, and whether the file
/// holds a key for that URL. PowerShell shows the type as <c>Sutro.SavedApiUrl</c>. It never holds the key.
/// </summary>
public sealed class SavedApiUrl
{
    public SavedApiUrl(Uri apiUrl, string configPath, bool keySaved)
    {
        ApiUrl = apiUrl;
        ConfigPath = configPath;
        KeySaved = keySaved;
    }

    /// <summary>The normalised API URL now saved.</summary>
    public Uri ApiUrl { get; }

    /// <summary>The settings file it was saved in (~/.sutro/config.json).</summary>
    public string ConfigPath { get; }

    /// <summary>True when the file still holds a key for this URL (it was saved for the same deployment).</summary>
    public bool KeySaved { get; }

    public override string ToString() => ApiUrl.ToString();
}
