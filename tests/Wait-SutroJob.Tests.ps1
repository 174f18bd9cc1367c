# Wait-SutroJob, and the whole lifecycle pipeline, against the mock Sutro server. Status histories are
# data: each status read (job-status or jobs/{id}) moves a job one step along its history.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $script:fast = @{ PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'

    function Add-MockJob([hashtable]$Definition) { Invoke-MockControl $server 'jobs' -Body $Definition | Out-Null }

    # Runs a script in its own runspace (as a second PowerShell would), with the module imported.
    function New-Runspace([string]$Script) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:SUTRO_TEST_MODULE'; $Script")
        $ps
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Wait-SutroJob' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'waits for a job that moves QUEUED -> RUNNING -> SUCCEEDED and writes it' {
        $job = Wait-SutroJob job_lifecycle_001 @fast @common
        $job.PSObject.TypeNames[0] | Should -Be 'Sutro.Job'
        $job.JobId | Should -BeExactly 'job_lifecycle_001'
        $job.Status | Should -BeExactly 'SUCCEEDED'
        $job.Completed | Should -Not -BeNullOrEmpty
        $calls = (Get-MockRequest $server | Where-Object path -notlike '*stream-job-progress*').path
        $calls | Should -Be @(
            '/v1/jobs/job_lifecycle_001', '/v1/job-status/job_lifecycle_001', '/v1/job-status/job_lifecycle_001',
            '/v1/job-status/job_lifecycle_001', '/v1/jobs/job_lifecycle_001')
    }

    It 'says each status change in -Verbose' {
        $verbose = Wait-SutroJob job_lifecycle_001 @fast @common -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $said = $verbose.Message | Where-Object { $_ -like 'Job job_lifecycle_001:*' }
        $said.Count | Should -Be 3
        $said[0] | Should -BeExactly 'Job job_lifecycle_001: QUEUED.'
        $said[1] | Should -BeLike 'Job job_lifecycle_001: RUNNING after * s.'
        $said[2] | Should -BeLike 'Job job_lifecycle_001: SUCCEEDED after * s.'
        ($verbose.Message -join "`n") | Should -Not -Match $server.Key
    }

    It 'writes an already finished job at once' {
        (Wait-SutroJob job_12345 @fast @common).Status | Should -BeExactly 'SUCCEEDED'
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_12345')
    }

    It 'a FAILED job is the error JobFailed with the failure reason' {
        Wait-SutroJob job_failed_001 @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.WaitSutroJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $err[0].TargetObject | Should -BeExactly 'job_failed_001'
        $err[0].Exception.Message | Should -BeExactly "Job 'job_failed_001' (failed-oom) failed: Model ran out of memory (row 17). It has no results; fix the cause and submit it again."
        $err[0].Exception.Job.Status | Should -BeExactly 'FAILED'
    }

    It 'a job that fails while waited for gives the reason from job-status' {
        Add-MockJob @{
            job_id = 'job_fails_later'; statuses = @('RUNNING', 'RUNNING', 'FAILED')
            failure_reason = @{ message = 'Invalid JSON schema'; additional_context = 'property "age" has no type' }
        }
        Wait-SutroJob job_fails_later @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.WaitSutroJobCommand'
        $err[0].Exception.Message | Should -BeLike "*failed: Invalid JSON schema (property `"age`" has no type).*"
    }

    It 'a CANCELLED job is the error JobCancelled' {
        Wait-SutroJob job_cancelled_001 @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.WaitSutroJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'OperationStopped'
        $err[0].TargetObject | Should -BeExactly 'job_cancelled_001'
    }

    It 'a job cancelled while waited for (CANCELLING -> CANCELLED) is JobCancelled' {
        Add-MockJob @{ job_id = 'job_cancelling'; statuses = @('RUNNING', 'cancelling', 'CANCELLED') }
        Wait-SutroJob job_cancelling @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.WaitSutroJobCommand'
    }

    It 'gives up after -TimeoutSec with WaitTimedOut, and leaves the job running' {
        Wait-SutroJob job_running_001 -TimeoutSec 1 -PollIntervalSec 0.2 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WaitTimedOut,Sutro.Commands.WaitSutroJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err[0].TargetObject | Should -BeExactly 'job_running_001'
        $err[0].Exception.Message | Should -BeLike "Stopped waiting for job 'job_running_001' (still-running) after * s: it is still RUNNING. The job keeps running on the server (waiting never cancels a job).*"
        $err[0].Exception.Job.Status | Should -BeExactly 'RUNNING'
        Get-MockRequest $server -Path '*job-cancel*' | Should -BeNullOrEmpty
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'RUNNING'
    }

    It 'waits for several jobs in turn; one failing is a non-terminating error' {
        $jobs = Wait-SutroJob job_failed_001, job_lifecycle_001, job_nope, job_12345 @fast @common -ErrorVariable err -ErrorAction SilentlyContinue
        $jobs.JobId | Should -Be @('job_lifecycle_001', 'job_12345')
        $err.FullyQualifiedErrorId | Should -Be @('JobFailed,Sutro.Commands.WaitSutroJobCommand', 'JobNotFound,Sutro.Commands.WaitSutroJobCommand')
        $err.TargetObject | Should -Be @('job_failed_001', 'job_nope')
    }

    It 'takes jobs from the pipeline by property name' {
        $jobs = Get-SutroJob job_lifecycle_001, job_12345 @common | Wait-SutroJob @fast @common
        $jobs.JobId | Should -Be @('job_lifecycle_001', 'job_12345')
        ([pscustomobject]@{ job_id = 'job_12345' } | Wait-SutroJob @fast @common).JobId | Should -BeExactly 'job_12345'
    }

    It 'finishes the wait whatever the progress stream does: <Name>' -ForEach @(
        @{ Name = 'stalls'; Fault = @{ stall_after_bytes = 10 } }
        @{ Name = 'breaks off'; Fault = @{ cut_after_bytes = 10 } }
        @{ Name = 'fails'; Fault = @{ status = 500; body = '{"detail": "boom"}' } }
        @{ Name = 'answers garbage'; Fault = @{ status = 200; body = "not json`n{`"update_type`": `"progress`", `"result`": `"x`"}`n" } }
    ) {
        Invoke-MockControl $server 'faults' -Body (@{ path = 'stream-job-progress'; times = -1 } + $Fault) | Out-Null
        $job = Wait-SutroJob job_lifecycle_001 @fast @common -MaxRetryCount 0 -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $job.Status | Should -BeExactly 'SUCCEEDED'
    }

    It 'shows progress: one activity with the status and time waited, completed at the end' {
        $ps = New-Runspace "Wait-SutroJob job_lifecycle_001 -PollIntervalSec 0.1 -ApiUrl '$($server.Url)' -ApiKey '$($server.Key)'"
        try {
            $out = $ps.Invoke()
            $out.Count | Should -Be 1
            $progress = @($ps.Streams.Progress)
            $progress.Count | Should -BeGreaterThan 1
            $progress.ActivityId | Select-Object -Unique | Should -HaveCount 1
            $progress.Activity | Select-Object -Unique | Should -BeExactly 'Waiting for Sutro job job_lifecycle_001 (lifecycle)'
            $progress[0].StatusDescription | Should -BeLike 'QUEUED, waited * s, 3 rows'
            $progress[0].RecordType | Should -Be 'Processing'
            @($progress.StatusDescription | Where-Object { $_ -like 'RUNNING, waited *' }).Count | Should -BeGreaterThan 0
            $progress[-1].RecordType | Should -Be 'Completed'
            ($progress.StatusDescription -join "`n") | Should -Not -Match $server.Key
        }
        finally { $ps.Dispose() }
    }

    It 'stops at once on Ctrl+C (StopProcessing), and never cancels the job' {
        $ps = New-Runspace "Wait-SutroJob job_running_001 -PollIntervalSec 3600 -ApiUrl '$($server.Url)' -ApiKey '$($server.Key)'"
        try {
            $running = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($ps.Streams.Progress.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Streams.Progress.Count | Should -BeGreaterThan 0 -Because 'the wait has started'
            $stopping = $ps.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because 'a one-hour pause between polls must not hold Ctrl+C up'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-MockRequest $server -Path '*job-cancel*' | Should -BeNullOrEmpty
            (Get-MockRequest $server -Path '*job-status*') | Should -BeNullOrEmpty -Because 'it was stopped during the first pause'
        }
        finally { $ps.Dispose() }
    }
}

Describe 'The job lifecycle pipeline' {
    BeforeAll {
        $script:settings = Enter-SutroTestSettings
    }

    AfterAll {
        Exit-SutroTestSettings $settings
    }

    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'Get-SutroJob -Status Running | Wait-SutroJob | Get-SutroJobResult | Export-Csv runs end to end' {
        # Two running jobs that succeed after a few polls; the built-in job that never ends is set aside.
        Add-MockJob @{ job_id = 'job_running_001'; statuses = @('SUCCEEDED'); rows = @(@{ input = 'x'; output = 'y' }) }
        Add-MockJob @{
            job_id = 'job_e2e_a'; name = 'e2e-a'; datetime_created = '2026-12-02T09:00:00Z'; statuses = @('RUNNING', 'RUNNING', 'SUCCEEDED')
            results_not_ready_times = 1
            rows = @(@{ input = 'Name a colour.'; output = 'Blue'; logprob = -0.5 }, @{ input = 'Quote me'; output = 'She said "yes, of course", then left.'; logprob = -1.25 })
        }
        Add-MockJob @{
            job_id = 'job_e2e_b'; name = 'e2e-b'; datetime_created = '2026-12-01T09:00:00Z'; statuses = @('RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED')
            rows = @(@{ input = "Two`nlines"; output = 'caf' + [char]0xe9; logprob = -2.0 })
        }
        Connect-Sutro $server.Url $server.Key
        $csv = Join-Path $settings.Home 'out.csv'

        Get-SutroJob -Status Running | Wait-SutroJob -PollIntervalSec 0.1 | Get-SutroJobResult -PollIntervalSec 0.1 -IncludeInput -IncludeCumulativeLogprob |
            Export-Csv $csv -Encoding utf8BOM

        $expected = @(
            '"JobId","Index","Input","Output","CumulativeLogprob"'
            '"job_e2e_a","0","Name a colour.","Blue","-0.5"'
            '"job_e2e_a","1","Quote me","She said ""yes, of course"", then left.","-1.25"'
            "`"job_e2e_b`",`"0`",`"Two`nlines`",`"caf$([char]0xe9)`",`"-2`""
        ) -join [Environment]::NewLine
        [IO.File]::ReadAllText($csv) | Should -BeExactly ($expected + [Environment]::NewLine)
        [IO.File]::ReadAllBytes($csv)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        # Parquet, the default, comes from the results-url artifact: the first link of job_e2e_a is not ready yet.
        $results = Get-MockRequest $server -Path '*/results-url'
        $results.path | Should -Be @('/v1/jobs/job_e2e_a/results-url', '/v1/jobs/job_e2e_a/results-url', '/v1/jobs/job_e2e_b/results-url')
        $results.status | Should -Be @(409, 200, 200)
    }
}
