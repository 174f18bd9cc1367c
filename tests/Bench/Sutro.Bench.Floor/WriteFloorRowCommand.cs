using System;
using System.Management.Automation;

namespace Sutro.Bench.Floor;

/// <summary>
/// <c>Write-FloorRow -Count N [-Seed S] [-JobId J]</c>: writes N rows shaped like a results row (job id, index, input,
/// output, logprob), each string freshly allocated, as fast as a binary cmdlet can. Nothing is decoded: this is the
/// cost of the pipeline alone. The texts and logprobs are the benchmark files' own (the generator's rows 0 to 4095
/// for the seed, cycled), so a command that reads the strings (Export-Csv escapes quotes and encodes the accented
/// letters and emoji) does the same work on the floor's rows as on the decoded ones.
/// </summary>
[Cmdlet(VerbsCommunications.Write, "FloorRow")]
[OutputType(typeof(FloorRow))]
public sealed class WriteFloorRowCommand : PSCmdlet
{
    private const int Sample = 4096;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; }

    [Parameter]
    public ulong Seed { get; set; } = 20261120;

    [Parameter]
    public string JobId { get; set; } = "job_bench";

    protected override void EndProcessing()
    {
        var rows = new Sutro.Bench.Generator.BenchRows(Seed);
        int sample = Math.Min(Sample, Math.Max(Count, 1));
        var inputs = new string[sample];
        var outputs = new string[sample];
        var logprobs = new double[sample];
        for (int k = 0; k < sample; k++)
        {
            inputs[k] = rows.Input(k);
            outputs[k] = rows.Output(k);
            logprobs[k] = rows.Logprob(k);
        }

        for (int i = 0; i < Count; i++)
        {
            // Fresh strings of the same text, as a decoder would allocate them.
            int k = i % sample;
            WriteObject(new FloorRow(JobId, i, new string(inputs[k].AsSpan()), new string(outputs[k].AsSpan()), logprobs[k]));
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
