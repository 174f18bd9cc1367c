using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Sutro.MockServer;

/// <summary>What a pre-signed artifact link points at: a job's Parquet results for given include flags.</summary>
public sealed record ArtifactGrant(string JobId, bool IncludeInputs, bool IncludeLogprobs, DateTimeOffset Expires);

/// <summary>Pre-signed link tokens. The job is looked up again on each download, so a replaced job changes the ETag.</summary>
public sealed class ArtifactTokens
{
    private readonly ConcurrentDictionary<string, ArtifactGrant> _grants = new(StringComparer.Ordinal);

    public string Create(string jobId, bool inputs, bool logprobs, int expiresInSeconds)
    {
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _grants[token] = new ArtifactGrant(jobId, inputs, logprobs, DateTimeOffset.UtcNow.AddSeconds(expiresInSeconds));
        return token;
    }

    public ArtifactGrant? Find(string token) => _grants.TryGetValue(token, out ArtifactGrant? g) ? g : null;
}
