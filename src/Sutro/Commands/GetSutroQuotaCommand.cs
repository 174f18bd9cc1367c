using System;
using System.Linq;
using System.Management.Automation;

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
            var api = CreateApi();
            foreach (Quota quota in RunAsync(api.GetQuotasAsync).OrderBy(q => q.Priority))
            {
                WriteObject(quota);
            }
        }
        catch (Exception ex) when (IsPerItemFailure(ex))
        {
            WriteFailure(ex, null);
        }
    }
}
