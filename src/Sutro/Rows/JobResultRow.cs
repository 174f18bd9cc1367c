namespace Sutro;

/// <summary>
/// One result row, typed so that a million of them stay cheap in the pipeline. Columns that vary by
/// job (an id column, confidence_score, Reasoning, expanded output fields) are added as note
/// properties after these. PowerShell shows the type as <c>Sutro.JobResultRow</c>.
/// </summary>
public sealed class JobResultRow
{
    public JobResultRow(string? jobId, long index, object? input, object? output, double? cumulativeLogprob)
    {
        JobId = jobId;
        Index = index;
        Input = input;
        Output = output;
        CumulativeLogprob = cumulativeLogprob;
    }

    /// <summary>The job the row belongs to.</summary>
    public string? JobId { get; set; }

    /// <summary>0-based position: the row's input order.</summary>
    public long Index { get; set; }

    /// <summary>The row's input: text, or the value of a non-text inputs column.</summary>
    public object? Input { get; set; }

    /// <summary>The row's output: text, or the value of a non-text outputs column (an embedding as [double[]]).</summary>
    public object? Output { get; set; }

    public double? CumulativeLogprob { get; set; }

    public override string ToString() => Output?.ToString() ?? string.Empty;
}
