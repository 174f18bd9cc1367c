<#
.SYNOPSIS
    The module's main job, against the built-in mock Sutro server: fetch a finished job's results
    and filter them in the pipeline, list jobs, and wait for one to finish, as an ops engineer would.
#>
param([Parameter(Mandatory)][string]$ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
$server = Start-SutroMockServer
try {
    Import-Module $ModulePath
    $env:SUTRO_API_URL = $server.Url
    $env:SUTRO_API_KEY = $server.Key
    $ProgressPreference = 'SilentlyContinue'

    Write-Host "Mock Sutro API at $($server.Url)`n"
    Write-Host '> Get-SutroJobResult -JobId job_demo_001 -IncludeInput -IncludeCumulativeLogprob |'
    Write-Host '    Where-Object CumulativeLogprob -gt -1 | Format-Table Index, CumulativeLogprob, Output, Input'
    Get-SutroJobResult -JobId job_demo_001 -IncludeInput -IncludeCumulativeLogprob |
        Where-Object CumulativeLogprob -gt -1 |
        Format-Table Index, CumulativeLogprob, Output, Input | Out-Host

    Write-Host '> Get-SutroJobResult job_demo_001 -Format Csv | Group-Object { ($_.Output -split ":")[0] } | Sort-Object Count -Descending'
    Get-SutroJobResult job_demo_001 -Format Csv |
        Group-Object { ($_.Output -split ':')[0] } | Sort-Object Count -Descending |
        Format-Table Count, Name | Out-Host

    Write-Host '> Get-SutroJob -First 5'
    Get-SutroJob -First 5 | Format-Table | Out-String -Width 120 | Out-Host

    Write-Host '> Get-SutroJob -Status Queued | Wait-SutroJob -PollIntervalSec 1 | Get-SutroJobResult -IncludeInput | Format-Table JobId, Index, Output, Input'
    Get-SutroJob -Status Queued | Wait-SutroJob -PollIntervalSec 1 | Get-SutroJobResult -IncludeInput |
        Format-Table JobId, Index, Output, Input | Out-Host
}
finally {
    Stop-SutroMockServer $server
}
