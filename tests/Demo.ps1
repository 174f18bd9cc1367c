<#
.SYNOPSIS
    The module's main job, against the built-in mock Sutro server: fetch a finished job's results
    and filter them in the pipeline, list jobs, wait for one to finish, and run a batch of tickets end to
    end with Invoke-SutroBatch, as an ops engineer would.
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

    # A batch end to end: tickets in, each ticket with its label out, in a folder of its own.
    $work = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "sutro-demo-$PID") -Force
    Push-Location $work
    try {
        @(
            [pscustomobject]@{ Id = 101; Subject = 'Billing'; Body = 'I was charged twice this month.' }
            [pscustomobject]@{ Id = 102; Subject = 'Outage'; Body = 'The dashboard has been down since 9am.' }
            [pscustomobject]@{ Id = 103; Subject = 'Login'; Body = 'The password reset link has expired.' }
        ) | Export-Csv tickets.csv
        Write-Host '> Import-Csv tickets.csv |'
        Write-Host "    Invoke-SutroBatch -Model gpt-oss-20b -InputProperty Body -SystemPrompt 'Classify the ticket.' ``"
        Write-Host "        -OutputSchema @{ type = 'object'; properties = @{ label = @{ type = 'string' } } } -ExpandOutput |"
        Write-Host '    Export-Csv classified.csv'
        Import-Csv tickets.csv |
            Invoke-SutroBatch -Model gpt-oss-20b -InputProperty Body -SystemPrompt 'Classify the ticket.' `
                -OutputSchema @{ type = 'object'; properties = @{ label = @{ type = 'string' } } } -ExpandOutput -PollIntervalSec 1 |
            Export-Csv classified.csv
        Write-Host '> Get-Content classified.csv'
        Get-Content classified.csv | Out-Host
    }
    finally {
        Pop-Location
        Remove-Item -LiteralPath $work -Recurse -Force
    }
}
finally {
    Stop-SutroMockServer $server
}
