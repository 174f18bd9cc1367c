#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the built-in mock Sutro server in the foreground until Ctrl+C, for trying the module by hand.
.DESCRIPTION
    `./build.ps1 -Task Mock` builds and then runs this. It starts tests/Sutro.MockServer (already built) on
    127.0.0.1:<Port> with the key sk_mock_local and the fixture jobs of tests/fixtures/valid, prints the URL,
    the key and commands to try from another terminal, and keeps the server running until Ctrl+C (or until
    this script's process ends: the server stops when its standard input closes).
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [ValidateRange(0, 65535)][int]$Port = 8765,
    [ValidateSet('Release', 'Debug')][string]$Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path -Parent $PSScriptRoot
$dll = Join-Path $root 'tests' 'Sutro.MockServer' 'bin' $Configuration 'net10.0' 'Sutro.MockServer.dll'
if (-not (Test-Path -LiteralPath $dll)) { throw "The mock server is not built ($dll). Run ./build.ps1 -Task Build." }
$key = 'sk_mock_local'
$info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @($dll, '--key', $key, '--port', "$Port", '--fixtures', (Join-Path $root 'tests' 'fixtures' 'valid'))) {
    $info.ArgumentList.Add($a)
}
$info.RedirectStandardInput = $true
$info.RedirectStandardOutput = $true
$info.UseShellExecute = $false
$server = [System.Diagnostics.Process]::Start($info)
try {
    $url = $null
    while ($null -ne ($line = $server.StandardOutput.ReadLine())) {
        if ($line -match '^SUTRO_MOCK_URL=(.+)$') { $url = $Matches[1].Trim(); break }
    }
    if (-not $url) { throw "The mock Sutro server did not start (is port $Port taken? Try -Port 0 for a free one)." }
    $module = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
    # Plain text (Write-Output, not Write-Host), so the lines can be read when the output is redirected.
    @"

The mock Sutro API is listening at $url
API key: $key (the mock accepts only this key; its jobs are made up)

Try it from another terminal (dotnet pwsh):
    Import-Module '$($module -replace "'", "''")'
    Connect-Sutro -ApiUrl $url -ApiKey $key
    Get-SutroJob
    Get-SutroJobResult job_12345 -IncludeCumulativeLogprob
    'Name a colour.', 'Name a planet.' | Invoke-SutroBatch -Model llama-3.1-8b -PollIntervalSec 1
Or set `$env:SUTRO_API_URL = '$url' and `$env:SUTRO_API_KEY = '$key': the examples of
Get-Help <cmdlet> -Examples then run as they are.

Press Ctrl+C to stop the server.
"@ | Write-Output
    while (-not $server.WaitForExit(500)) { }
    throw "The mock Sutro server stopped by itself (exit code $($server.ExitCode))."
}
finally {
    if (-not $server.HasExited) {
        try { $server.StandardInput.Close() } catch { }
        if (-not $server.WaitForExit(5000)) { $server.Kill($true) }
    }
    $server.Dispose()
}
