# A job that failed or was cancelled has no results: Get-SutroJobResult and Export-SutroJobResult say so at once,
# with the server's failure reason, instead of "not complete" and a wait that can only run out.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    $script:failedMessage = "Job 'job_failed_001' (failed-oom) failed: Model ran out of memory (row 17). It has no " +
        'results; fix the cause and submit it again.'
    $script:cancelledMessage = "Job 'job_cancelled_001' (cancelled-by-user) was cancelled, so it has no results. " +
        'Submit it again if you still need it.'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Results of a job that ended without results' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'Get-SutroJobResult -Format <Format> on a FAILED job is JobFailed with the failure reason, at once' -ForEach @(
        @{ Format = 'Parquet' }, @{ Format = 'Json' }, @{ Format = 'Csv' }
    ) {
        $rows = Get-SutroJobResult job_failed_001 -Format $Format @common -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $err[0].Exception.Message | Should -BeExactly $failedMessage
        $err[0].Exception.Job.Status | Should -BeExactly 'FAILED'
        $err[0].Exception.Job.FailureReason | Should -BeExactly 'Model ran out of memory'
        $err[0].TargetObject | Should -BeExactly 'job_failed_001'
        # One try of the results, one status check, one read of the job: nothing is retried.
        @(Get-MockRequest $server -Path '*job-status*').Count | Should -Be 1
        @(Get-MockRequest $server -Path '*/jobs/job_failed_001').Count | Should -Be 1
    }

    It 'Get-SutroJobResult on a CANCELLED job is JobCancelled, at once' {
        Get-SutroJobResult job_cancelled_001 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'OperationStopped'
        $err[0].Exception.Message | Should -BeExactly $cancelledMessage
    }

    It 'a CANCELLING job is JobCancelled too: it will never have results' {
        Invoke-MockControl $server 'jobs' -Body @{ job_id = 'job_cancelling'; name = 'stopping'; statuses = @('CANCELLING'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 }) } | Out-Null
        Get-SutroJobResult job_cancelling -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ("Job 'job_cancelling' (stopping) is being cancelled, so it will have no results. " +
            'Submit it again if you still need it.')
    }

    It 'Get-SutroJobResult -Wait on a FAILED job ends at once with JobFailed, long before -TimeoutSec' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Get-SutroJobResult job_failed_001 -Wait -TimeoutSec 60 -PollIntervalSec 1 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $watch.Stop()
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly $failedMessage
        @(Get-MockRequest $server -Path '*/results*').Count | Should -Be 0
    }

    It 'Export-SutroJobResult -Format <Format> on a FAILED job is JobFailed and writes nothing' -ForEach @(
        @{ Format = 'Parquet' }, @{ Format = 'Json' }, @{ Format = 'Csv' }
    ) {
        $folder = Join-Path $TestDrive "failed-$Format"
        New-Item -ItemType Directory -Path $folder | Out-Null
        Export-SutroJobResult job_failed_001 -Path $folder -Format $Format @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.ExportSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly $failedMessage
        @(Get-ChildItem -LiteralPath $folder -Force).Count | Should -Be 0
    }

    It 'Export-SutroJobResult on a CANCELLED job is JobCancelled and writes nothing' {
        $target = Join-Path $TestDrive 'cancelled.json'
        Export-SutroJobResult job_cancelled_001 -Path $target @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.ExportSutroJobResultCommand'
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'Get-SutroJobResultLink on a FAILED job is JobFailed, and on a CANCELLED job JobCancelled' {
        Get-SutroJobResultLink job_failed_001 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.GetSutroJobResultLinkCommand'
        $err[0].Exception.Message | Should -BeExactly $failedMessage
        Get-SutroJobResultLink job_cancelled_001 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobCancelled,Sutro.Commands.GetSutroJobResultLinkCommand'
        $err[0].Exception.Message | Should -BeExactly $cancelledMessage
    }

    It 'Join-SutroJobResult on a FAILED job is JobFailed and writes no row' {
        'a', 'b' | Join-SutroJobResult -JobId job_failed_001 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.JoinSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly $failedMessage
    }

    It 'the other jobs of the same command still run' {
        $rows = @(Get-SutroJobResult job_failed_001, job_12345, job_cancelled_001 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 5
        @($rows.JobId | Sort-Object -Unique) | Should -Be @('job_12345')
        $err.FullyQualifiedErrorId | Should -Be @('JobFailed,Sutro.Commands.GetSutroJobResultCommand',
            'JobCancelled,Sutro.Commands.GetSutroJobResultCommand')
    }

    It 'a job still running stays JobNotComplete' {
        Get-SutroJobResult job_running_001 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotComplete,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ("Job 'job_running_001' has no results yet: its status is RUNNING. " +
            'Wait for it with Wait-SutroJob, or use Get-SutroJobResult -Wait.')
    }
}
