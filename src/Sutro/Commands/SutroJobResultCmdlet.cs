using System.Management.Automation;

namespace Sutro.Commands;

/// <summary>
/// A cmdlet that asks for jobs' results (Get- and Export-SutroJobResult): the columns the results should carry.
/// </summary>
public abstract class SutroJobResultCmdlet : SutroJobsCmdlet
{
    [Parameter]
    public SwitchParameter IncludeInput { get; set; }

    [Parameter]
    public SwitchParameter IncludeCumulativeLogprob { get; set; }

    /// <summary>The query flags that ask for the inputs and the logprobs, as the results endpoints name them.</summary>
    protected string ResultFlags() =>
        $"include_inputs={Bool(IncludeInput)}&include_cumulative_logprobs={Bool(IncludeCumulativeLogprob)}";

    private static string Bool(bool value) => value ? "true" : "false";
}
