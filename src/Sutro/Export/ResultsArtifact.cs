using System;
using System.Text.Json;

namespace Sutro.Export;

/// <summary>
/// The answer of <c>jobs/{id}/results-url</c>: a pre-signed GET link to the Parquet artifact and its
/// announced size. The link grants access by itself, so it is never shown or stored.
/// </summary>
internal sealed class ResultsArtifact
{
    private ResultsArtifact(Uri link, long sizeBytes)
    {
        Link = link;
        SizeBytes = sizeBytes;
    }

    public Uri Link { get; }

    public long SizeBytes { get; }

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

        return new ResultsArtifact(link, sizeBytes);
    }
}
