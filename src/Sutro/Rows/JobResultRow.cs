namespace Sutro;

/// <summary>
/// One result row, typed so that a million of them stay cheap in the pipeline. Columns that vary by
/// job (an id column, confidence_score, Reasoning, expanded output fields) are added as note
/// properties after these. PowerShell shows the type as <c>Sutro.JobResultRow</c>.
/// </summary>
public sealed class JobResultRow
{
    public JobResultRow(string? jobId, long index, string? input, string? output, double? cumulativeLogprob)
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

    public string? Input { get; set; }

    public string? Output { get; set; }

    public double? CumulativeLogprob { get; set; }

    public override string ToString() => Output ?? string.Empty;
}
