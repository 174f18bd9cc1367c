using System.Management.Automation;
using Sutro.Http;
using Sutro.Submission;

namespace Sutro.Commands;

/// <summary>
/// What the cmdlets that take a batch's inputs from the pipeline share (Start-SutroJob, Invoke-SutroBatch,
/// Join-SutroJobResult): the input parameters, one parameter set for each way an object becomes an input, and the
/// reading of each pipeline object into its input (<see cref="InputRows"/>), refused by row before anything is sent.
/// </summary>
public abstract class PipelineInputCmdlet : SutroApiCmdlet
{
    protected const string TextSet = "Text";
    protected const string PropertySet = "Property";
    protected const string ScriptSet = "Script";
    protected const string ObjectSet = "Objects";

    private long _seen;

    /// <summary>The inputs: text, or objects read with -InputProperty, -InputScript or -ObjectRows.</summary>
    [Parameter(ParameterSetName = TextSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = PropertySet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ScriptSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The property of each input object that holds its text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PropertySet)]
    [ValidateNotNullOrEmpty]
    public string? InputProperty { get; set; }

    /// <summary>A script that makes each input's text from the object in $_.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptSet)]
    [ValidateNotNull]
    public ScriptBlock? InputScript { get; set; }

    /// <summary>Sends each input object whole, as a JSON object (for Function models).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObjectSet)]
    public SwitchParameter ObjectRows { get; set; }

    /// <summary>How inputs arrive: Text, Property, Script or Objects (the parameter set).</summary>
    private protected InputMode Mode => ParameterSetName switch
    {
        PropertySet => InputMode.Property,
        ScriptSet => InputMode.Script,
        ObjectSet => InputMode.Objects,
        _ => InputMode.Text,
    };

    /// <summary>Reads the pipeline's objects into inputs; null when this call takes none (set in BeginProcessing).</summary>
    private protected InputRows? Rows { get; set; }

    protected override void ProcessRecord()
    {
        if (Rows is null || InputObject is null)
        {
            return;
        }

        foreach (PSObject? input in InputObject)
        {
            _seen++;
            try
            {
                OnInput(input, Rows.Add(input, _seen));
            }
            catch (SutroApiException ex)
            {
                Release();
                ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ex.Category, input));
                return;
            }
        }
    }

    /// <summary>
    /// Called for each input once it is read, with its text (for an object row: null when spooled, else its JSON).
    /// A <see cref="SutroApiException"/> it throws ends the command, naming the input, as a row that cannot be read.
    /// </summary>
    private protected virtual void OnInput(PSObject? input, string? text)
    {
    }

    /// <summary>Frees what the inputs hold (a spool) before the command ends with an error.</summary>
    private protected virtual void Release()
    {
    }
}
