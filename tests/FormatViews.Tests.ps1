# The default view of result rows (Sutro.JobResultRow): a table of Index, CumulativeLogprob and Output, loaded by
# the results cmdlets themselves, and plain text when the output is redirected. The job and quota tables are
# tested with their cmdlets (Get-SutroJob.Tests.ps1, Get-SutroQuota.Tests.ps1).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    # Header, rule and rows of the table: Index (7, right), CumulativeLogprob (17, right), Output (the rest).
    $script:header = '  Index CumulativeLogprob Output'
    $script:rule = '  ----- ----------------- ------'
    function Get-TableLine([long]$Index, [string]$Output, [string]$Logprob) {
        ("$Index".PadLeft(7) + ' ' + $Logprob.PadLeft(17) + ' ' + $Output).TrimEnd()
    }
    function Get-Lines([string]$Text) { @($Text -split "`r?`n" | Where-Object { $_.Trim() } | ForEach-Object { $_.TrimEnd() }) }
    function Invoke-Child([string]$Code) {
        $run = Invoke-ChildPwsh -Command ("Import-Module $(ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE)`n" + $Code) `
            -Environment @{ SUTRO_API_URL = $server.Url; SUTRO_API_KEY = $server.Key; NO_COLOR = $null; TERM = 'xterm-256color' }
        $run.StdErr | Should -BeNullOrEmpty
        $run
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'The view of result rows' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'is the table Get-SutroJobResult shows in a fresh session (the cmdlet loads the views)' {
        $run = Invoke-Child '$PSStyle.OutputRendering = ''PlainText''; Get-SutroJobResult job_12345 -IncludeCumulativeLogprob | Out-String -Width 120'
        $lines = Get-Lines $run.StdOut
        $lines[0] | Should -BeExactly $header
        $lines[1] | Should -BeExactly $rule
        $lines[2..6] | Should -Be @(
            (Get-TableLine 0 'The capital of France is Paris.' '-3.215497')
            (Get-TableLine 1 'Guten Morgen' '-0.8312')
            (Get-TableLine 2 'A quick fox jumps over a lazy dog.' '-12.00024')
            (Get-TableLine 3 'positive' '-0.000459671')
            (Get-TableLine 4 'Crimson leaves drift down; cool wind whispers; autumn says goodbye.' '-27.53125'))
        $lines.Count | Should -Be 7
    }

    It 'leaves CumulativeLogprob blank for rows without one, and shows a multi-line output on one line' {
        $PSStyle.OutputRendering = 'PlainText'
        $rows = @(Get-SutroJobResult job_outputs_only -Format Json @common)
        $rows[0].CumulativeLogprob | Should -BeNullOrEmpty
        $lines = Get-Lines ($rows | Format-Table | Out-String -Width 120)
        $lines[0] | Should -BeExactly $header
        $lines[2] | Should -BeExactly (Get-TableLine 0 ([string]$rows[0].Output) '')
        $lines.Count | Should -Be ($rows.Count + 2)

        $nasty = @(Get-SutroJobResult job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f -Format Json @common | Select-Object -First 3)
        $nasty.Output | Should -Be @("line1`nline2`nline3", "line1`r`nline2`r`n", "a`rb`rc")
        $lines = Get-Lines ($nasty | Format-Table | Out-String -Width 120)
        $lines[2..4] | Should -Be @((Get-TableLine 0 'line1 line2 line3' '-1.25'), (Get-TableLine 1 'line1 line2' '-2.5'),
            (Get-TableLine 2 'a b c' '-0.1'))
    }

    It 'keeps every property for Format-List: JobId, Index, Input, Output and CumulativeLogprob' {
        $PSStyle.OutputRendering = 'PlainText'
        $lines = Get-Lines (Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob @common | Select-Object -First 1 |
                Format-List | Out-String -Width 120)
        $lines | Should -Be @(
            'JobId             : job_12345'
            'Index             : 0'
            'Input             : What is the capital of France?'
            'Output            : The capital of France is Paris.'
            'CumulativeLogprob : -3.21549654006958')
    }
}

Describe 'Output that is redirected' {
    It 'holds no terminal escape codes with $PSStyle.OutputRendering = PlainText, even from a colour terminal' {
        $run = Invoke-Child @'
$PSStyle.OutputRendering = 'PlainText'
Get-SutroJob -First 2 | Format-Table
Get-SutroJobResult job_12345 | Select-Object -First 1 | Format-Table
Get-SutroJob job_nope -ErrorAction Continue 2>&1 | Out-String
Get-SutroJob job_12345 -Verbose 4>&1 | Select-Object -First 1 | Out-String
'@
        $run.StdOut.Contains([char]27) | Should -BeFalse
        $run.StdOut | Should -Match '(?m)^JobId +Name +Status'
        $run.StdOut | Should -Match "Job 'job_nope' was not found"
        $run.StdOut | Should -Match 'GET http://127\.0\.0\.1:\d+/v1/jobs/job_12345'
    }

    # ('Ansi' asks for escape codes everywhere, files included: that is what it is for.)
    It 'holds none in a file written with Out-File, > or Export-Csv with $PSStyle.OutputRendering = <Rendering>' -ForEach @(
        @{ Rendering = 'Host' }, @{ Rendering = 'PlainText' }
    ) {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive $Rendering) -Force
        $run = Invoke-Child @"
`$PSStyle.OutputRendering = '$Rendering'
Set-Location -LiteralPath $(ConvertTo-PowerShellLiteral $folder.FullName)
Get-SutroJob -First 2 | Out-File jobs.txt
Get-SutroJobResult job_12345 | Out-File rows.txt -Width 120
Get-SutroJobResult job_12345 > redirected.txt
Get-SutroJob job_nope 2> errors.txt
Get-SutroJobResult job_12345 | Export-Csv rows.csv
"@
        foreach ($name in 'jobs.txt', 'rows.txt', 'redirected.txt', 'errors.txt', 'rows.csv') {
            $bytes = [IO.File]::ReadAllBytes((Join-Path $folder $name))
            $bytes.Length | Should -BeGreaterThan 0 -Because $name
            $bytes | Should -Not -Contain 27 -Because "$name holds no escape code with OutputRendering $Rendering"
        }
        (Get-Content -LiteralPath (Join-Path $folder 'rows.txt'))[1].TrimEnd() | Should -BeExactly $header
    }
}
