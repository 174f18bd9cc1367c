using System.Management.Automation;
using Sutro.Settings;

namespace Sutro.Commands;

/// <summary>
/// Disconnect-Sutro: forgets the connection Connect-Sutro made. The environment and the settings
/// file (even one Connect-Sutro -Save wrote) are left as they are.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "Sutro")]
[OutputType(typeof(void))]
public sealed class DisconnectSutroCommand : SutroCmdlet
{
    protected override void EndProcessing()
    {
        if (SettingsResolver.SessionConnection is { } connection)
        {
            WriteVerbose($"Forgetting the connection to {connection.BaseUri}.");
        }

        SettingsResolver.SessionConnection = null;
        JobIdCompleter.Clear();
    }
}
