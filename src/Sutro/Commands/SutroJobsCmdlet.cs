using System;
using System.Management.Automation;

namespace Sutro.Commands;

/// <summary>
/// A cmdlet that acts on jobs named by id (Wait-, Stop-SutroJob, Get- and Export-SutroJobResult): the ids come
/// as the first argument or from the pipeline, by value or by property name, and tab-complete from the job list.
/// </summary>
public abstract class SutroJobsCmdlet : SutroApiCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "job_id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[] JobId { get; set; } = Array.Empty<string>();
}
