using System;
using System.Linq;
using System.Management.Automation;
using Sutro.Http;
using Sutro.Jobs;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>Get-SutroQuota: the row and token quota of each job priority (<c>get-quotas</c>).</summary>
[Cmdlet(VerbsCommon.Get, "SutroQuota")]
[OutputType(typeof(Quota))]
public sealed class GetSutroQuotaCommand : SutroApiCmdlet
{
    protected override void BeginProcessing() => FormatViews.EnsureLoaded(this);

    protected override void EndProcessing()
    {
        try
        {
            var api = new JobsApi(CreateClient());
            foreach (Quota quota in RunAsync(api.GetQuotasAsync).OrderBy(q => q.Priority))
            {
                WriteObject(quota);
            }
        }
        catch (Exception ex) when (ex is SutroApiException or SettingsException or OperationCanceledException)
        {
            WriteFailure(ex, null);
        }
    }
}
