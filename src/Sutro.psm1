# Loads Sutro.dll and its dependencies (Parquet.Net, Sep, ...) into a private AssemblyLoadContext,
# so another module's copy of the same libraries cannot clash with ours.
$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')

$isReload = $true
if (-not ('Sutro.Loader.LoadContext' -as [type])) {
    $isReload = $false
    # Loaded directly: Add-Type -Path does the same but takes a sixth of a second to start up.
    $null = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyPath([System.IO.Path]::Combine($binPath, 'Sutro.Loader.dll'))
}

$mainAssembly = [Sutro.Loader.LoadContext]::Initialize([System.IO.Path]::Combine($binPath, 'Sutro.dll'))
# Module-qualified, so a proxy of Import-Module cannot stand in (looking the command up with Get-Command did
# the same, with 30 ms more for the import).
$innerModule = Microsoft.PowerShell.Core\Import-Module -Assembly $mainAssembly -PassThru

if ($isReload) {
    # Import-Module -Force reuses the cached assembly module and does not re-export its cmdlets
    # into this module's scope; add them back.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmd in $innerModule.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}
