using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace Sutro.Commands;

/// <summary>
/// Loads the module's table and list views (Sutro.Format.ps1xml) into the session the first time a cmdlet that
/// emits a job, a quota, a connection, result rows or cache entries runs, rather than at import. The first format file a session
/// loads makes PowerShell build its whole format table (about 0.15 s, most of what importing the module would
/// cost), so a session that only configures the module (Connect-Sutro aside) or only imports it pays nothing.
/// </summary>
internal static class FormatViews
{
    private static readonly ConditionalWeakTable<Runspace, object> Loaded = new();

    /// <summary>The module folder's format file: the assembly is in its bin folder.</summary>
    private static readonly string FilePath = Path.Combine(
        Path.GetDirectoryName(Path.GetDirectoryName(typeof(FormatViews).Assembly.Location)) ?? string.Empty,
        "Sutro.Format.ps1xml");

    public static void EnsureLoaded(PSCmdlet cmdlet)
    {
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace is null || Loaded.TryGetValue(runspace, out _))
        {
            return;
        }

        Loaded.AddOrUpdate(runspace, FilePath);
        if (!File.Exists(FilePath))
        {
            // The assembly was loaded on its own, outside the module folder: no views to add.
            return;
        }

        try
        {
            cmdlet.InvokeCommand.InvokeScript(
                @"Microsoft.PowerShell.Utility\Update-FormatData -AppendPath $args[0]", false, PipelineResultTypes.None, null, FilePath);
        }
        catch (RuntimeException ex)
        {
            // A restricted session may not allow it; the objects then show in PowerShell's default view.
            cmdlet.WriteVerbose($"The Sutro views could not be loaded ({ex.Message}); objects show in PowerShell's default view.");
        }
    }
}
