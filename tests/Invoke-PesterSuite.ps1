<#
.SYNOPSIS
    Runs every tests/*.Tests.ps1 with the pinned Pester against the assembled module (and its
    package, for the install test) and writes the pass/fail/skip counts to a JSON file for build.ps1.
#>
param(
    [Parameter(Mandatory)][string]$PesterPath,
    [Parameter(Mandatory)][string]$ModulePath,
    [string]$PackagePath,
    [Parameter(Mandatory)][string]$SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterPath -Force
$env:SUTRO_TEST_MODULE = $ModulePath
if ($PackagePath) { $env:SUTRO_TEST_PACKAGE = $PackagePath }

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $false
$result = Invoke-Pester -Configuration $config

# A file that cannot run at all (a parse error, a failing BeforeAll) counts as a failure too.
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
