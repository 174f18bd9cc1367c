using System;
using System.Management.Automation;

namespace Sutro.Bench.Floor;

/// <summary>
/// <c>Write-FloorRow -Count N</c>: writes N rows shaped like a results row (job id, index, an input of about
/// 200 characters, an output of about 400, a logprob), each string freshly allocated, as fast as a binary cmdlet
/// can. Nothing is decoded: this is the cost of the pipeline alone.
/// </summary>
[Cmdlet(VerbsCommunications.Write, "FloorRow")]
[OutputType(typeof(FloorRow))]
public sealed class WriteFloorRowCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; }

    protected override void EndProcessing()
    {
        const string Input = "Row 0: summarise this customer note, about the café in Zürich, \"quoted\", with emoji 🚀 and numbers $12.99; the rest is plain words of the same kind until the text is two hundred characters. And more.";
        const string Output = "Summary 0: the customer was charged twice, well, the refund was issued; the product review notes latency and quality; the report covers the quarter's growth, the shipping signal and the network, \"really\" and 👍🏽 with São Paulo, Łódź and façade — and then more plain words of the same kind until the output is four hundred characters long, as the benchmark's rows are on average, nothing more. Done.";
        for (int i = 0; i < Count; i++)
        {
            // Fresh strings of the same sizes, as a decoder would allocate them.
            WriteObject(new FloorRow("job_bench", i, new string(Input.AsSpan()), new string(Output.AsSpan()), -i * 1e-6));
        }
    }
}

/// <summary>The floor's row: the same properties as a results row.</summary>
public sealed class FloorRow
{
    public FloorRow(string? jobId, long index, string? input, string? output, double? cumulativeLogprob)
    {
        JobId = jobId;
        Index = index;
        Input = input;
        Output = output;
        CumulativeLogprob = cumulativeLogprob;
    }

    public string? JobId { get; set; }

    public long Index { get; set; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public double? CumulativeLogprob { get; set; }

    public override string ToString() => Output ?? string.Empty;
}
