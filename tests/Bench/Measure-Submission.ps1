#Requires -Version 7.4
<#
.SYNOPSIS
    Peak memory of submitting a large batch: Start-SutroJob with N generated inputs of C characters each.
.DESCRIPTION
    Run through the build (dotnet pwsh ./build.ps1 -Task Bench runs it after the results benchmark) or alone:
        dotnet pwsh tests/Bench/Measure-Submission.ps1 -ModulePath output/Sutro/0.1.0/Sutro.psd1

    Starts the mock Sutro server, then, in a fresh pwsh process, pipes N inputs made on the fly into
    Start-SutroJob and reports that process's peak resident memory (from /usr/bin/time -v when present, else
    its own VmHWM), the request body's size and the wall time. The inputs are never held together by the
    test itself, so the peak is what the module costs. Fails if the mock did not receive every input, or if
    the peak exceeds -LimitMB. Never asserts time.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [ValidateRange(1, 10000000)][int]$Inputs = 200000,
    [ValidateRange(1, 100000)][int]$Characters = 600,
    [int]$LimitMB = 300
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Import-Module (Join-Path $root 'tests' 'TestHelpers.psm1') -Force
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$env:NO_COLOR = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
$timeTool = if (Test-Path -LiteralPath '/usr/bin/time') { '/usr/bin/time' } else { $null }
$pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
$pwshPrefix = @()
if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = [Environment]::ProcessPath; $pwshPrefix = @(Join-Path $PSHOME 'pwsh.dll') }

$server = Start-SutroMockServer
try {
    Invoke-MockControl $server 'reset' | Out-Null
    # Each input is its number followed by filler up to the length asked for, made as the pipeline asks for it.
    $child = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module $(ConvertTo-PowerShellLiteral $ModulePath)
`$filler = 'x' * $Characters
`$watch = [Diagnostics.Stopwatch]::StartNew()
`$job = 1..$Inputs | ForEach-Object { (`"input `$_ `" + `$filler).Substring(0, $Characters) } |
    Start-SutroJob -Model bench-model -Name bench-submission -ApiUrl $(ConvertTo-PowerShellLiteral $server.Url) -ApiKey $(ConvertTo-PowerShellLiteral $server.Key) -WarningAction SilentlyContinue
`$hwm = (Select-String -LiteralPath /proc/self/status -Pattern '^VmHWM:\s+(\d+)' -ErrorAction Ignore).Matches.Groups[1].Value
"RESULT `$(`$job.JobId) `$(`$job.Rows) `$(`$watch.Elapsed.TotalSeconds) `$hwm"
"@
    $childArgs = $pwshPrefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($child)))
    $timeFile = [IO.Path]::GetTempFileName()
    try {
        $output = if ($timeTool) { & $timeTool -v -o $timeFile $pwsh @childArgs 2>&1 } else { & $pwsh @childArgs 2>&1 }
        if ($LASTEXITCODE -ne 0) { throw "The submission failed:`n$($output -join "`n")" }
        $result = @($output | Where-Object { "$_" -like 'RESULT *' })[0] -split ' '
        $peakKb = [long]$result[4]
        if ($timeTool -and (Get-Content -LiteralPath $timeFile -Raw) -match 'Maximum resident set size \(kbytes\):\s*(\d+)') { $peakKb = [long]$Matches[1] }
    }
    finally {
        Remove-Item -LiteralPath $timeFile -ErrorAction Ignore
    }

    $post = @(Get-MockRequest $server '*/batch-inference')
    if ($post.Count -ne 1 -or $post[0].submission.input_count -ne $Inputs -or [long]$result[2] -ne $Inputs) {
        throw "The mock server did not receive the $Inputs inputs in one submission."
    }
    $peakMb = [math]::Round($peakKb / 1024, 1)
    [pscustomobject]@{
        Inputs      = $Inputs
        Characters  = $Characters
        BodyMB      = [math]::Round($post[0].submission.body_bytes / 1MB, 1)
        Seconds     = [math]::Round([double]$result[3], 1)
        PeakMB      = $peakMb
        LimitMB     = $LimitMB
        PeakFrom    = if ($timeTool) { '/usr/bin/time -v' } else { 'VmHWM' }
    } | Format-List | Out-String | Write-Host
    if ($peakMb -gt $LimitMB) { throw "Peak resident memory $peakMb MB is above the limit of $LimitMB MB." }
}
finally {
    Stop-SutroMockServer $server
}
