namespace Sutro;

/// <summary>
/// What a batch would cost, from a dry run (Start-SutroJob -EstimateCost). PowerShell shows the type as
/// <c>Sutro.CostEstimate</c>.
/// </summary>
public sealed class CostEstimate
{
    /// <summary>The estimated cost of running the batch, in USD.</summary>
    public decimal? EstimatedCost { get; init; }

    /// <summary>How many input rows were estimated.</summary>
    public long? Rows { get; init; }

    public string? Model { get; init; }

    /// <summary>The id of the estimate job (it runs no inference and has no results).</summary>
    public string JobId { get; init; } = string.Empty;

    public override string ToString() => EstimatedCost is { } cost ? $"{cost} USD" : "no estimate";
}
