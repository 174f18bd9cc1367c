using System;
using System.IO;
using System.Management.Automation;
using Sutro.Api;
using Sutro.Results;

namespace Sutro.Export;

/// <summary>
/// One job's file for Export-SutroJobResult, and where its results go when the deployment can send them only as
/// JSON (no <c>GET jobs/{id}/results</c> route, so they came through <c>POST job-results</c>): into a folder they are
/// saved as <c>&lt;job_id&gt;.json</c>; a file name that asks for another format is refused, and nothing is written.
/// </summary>
internal sealed class ExportTarget
{
    private readonly string _jobId;
    private readonly ExportDestination _destination;
    private readonly bool _force;

    public ExportTarget(string jobId, string target, ExportDestination destination, bool force)
    {
        _jobId = jobId;
        Target = target;
        _destination = destination;
        _force = force;
    }

    /// <summary>The file asked for.</summary>
    public string Target { get; }

    public ResultFileKind Kind => _destination.Kind;

    /// <summary>True when another format was asked for but the results came as JSON (POST job-results).</summary>
    public bool CameAsJson(ResultsFile file) => file.Format == ResultFormat.Json && Kind != ResultFileKind.Json;

    /// <summary>Moves the JSON that came into place as <c>&lt;job_id&gt;.json</c>; returns that path.</summary>
    public string PlaceJson(string downloaded, Action<string> verbose, Action<string> warn)
    {
        if (!_destination.IsFolder)
        {
            throw new ExportException(ErrorIds.ResultsOnlyAsJson, ErrorCategory.InvalidOperation,
                $"This deployment has no GET jobs/{{id}}/results route, so the results of job {_jobId} come only as JSON " +
                $"(through POST job-results), not as the {Path.GetExtension(Target)} file '{Target}' asks for. Nothing was " +
                $"saved. Save them to a .json file, or give -Path a folder (the file is then {_jobId}.json).");
        }

        DownloadedFileCheck.Require(downloaded, ResultFileKind.Json);
        JsonJobStamp.Stamp(downloaded, _jobId);
        string json = Path.ChangeExtension(Target, ".json");
        StagedFile.MoveIntoPlace(downloaded, json, _force);
        verbose($"Job {_jobId}: this deployment sends results only through POST job-results, as JSON; saved what it " +
            $"sent as {json}.");
        warn($"Job {_jobId}: the deployment sent the results only as JSON, so they were saved as '{json}', not " +
            $"'{Target}'. Import-SutroJobResult reads either.");
        return json;
    }
}
