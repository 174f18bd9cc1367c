namespace Sutro;

/// <summary>The quota of one job priority. PowerShell shows the type as <c>Sutro.Quota</c>.</summary>
public sealed class Quota
{
    /// <summary>The job priority the quota applies to (0 or 1).</summary>
    public int Priority { get; init; }

    /// <summary>How many rows jobs of this priority may hold, or $null when the API gives none.</summary>
    public long? RowQuota { get; init; }

    /// <summary>How many tokens jobs of this priority may use, or $null when the API gives none.</summary>
    public long? TokenQuota { get; init; }

    public override string ToString() => $"Priority {Priority}";
}
