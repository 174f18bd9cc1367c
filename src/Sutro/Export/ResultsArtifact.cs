using System;
using System.Text.Json;

namespace Sutro.Export;

/// <summary>
/// The answer of <c>jobs/{id}/results-url</c>: a pre-signed GET link to the Parquet artifact and its
/// announced size, the artifact's file name and the link's lifetime when the answer gives them. The link grants
/// access by itself, so it is never written to verbose text or stored; only Get-SutroJobResultLink hands it out.
/// </summary>
internal sealed class ResultsArtifact
{
    private ResultsArtifact(Uri link, string linkText, long sizeBytes, string? fileName, long? expiresInSeconds)
    {
        Link = link;
        LinkText = linkText;
        SizeBytes = sizeBytes;
        FileName = fileName;
        ExpiresInSeconds = expiresInSeconds;
    }

    public Uri Link { get; }

    /// <summary>The link exactly as the answer spelt it (a signature's escapes untouched).</summary>
    public string LinkText { get; }

    public long SizeBytes { get; }

    /// <summary><c>artifact.filename</c>, or null when the answer has none.</summary>
    public string? FileName { get; }

    /// <summary><c>expires_in_seconds</c> (a positive whole number), or null when the answer has none.</summary>
    public long? ExpiresInSeconds { get; }

    /// <summary>The artifact, or null when the answer has no usable http(s) link or size.</summary>
    public static ResultsArtifact? TryParse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("urls", out var urls) || urls.ValueKind != JsonValueKind.Object
            || !urls.TryGetProperty("get", out var get) || get.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(get.GetString(), UriKind.Absolute, out Uri? link)
            || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp)
            || !root.TryGetProperty("artifact", out var artifact) || artifact.ValueKind != JsonValueKind.Object
            || !artifact.TryGetProperty("size_bytes", out var size) || size.ValueKind != JsonValueKind.Number
            || !size.TryGetInt64(out long sizeBytes) || sizeBytes <= 0)
        {
            return null;
        }

        string? fileName = artifact.TryGetProperty("filename", out var name) && name.ValueKind == JsonValueKind.String
            && name.GetString() is { Length: > 0 } text ? text : null;
        long? expires = root.TryGetProperty("expires_in_seconds", out var lifetime) && lifetime.ValueKind == JsonValueKind.Number
            && lifetime.TryGetInt64(out long seconds) && seconds > 0 ? seconds : null;
        return new ResultsArtifact(link, get.GetString()!, sizeBytes, fileName, expires);
    }
}
