# Stop-SutroJob against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Stop-SutroJob' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'asks for cancellation with GET job-cancel/{id} and writes nothing' {
        Stop-SutroJob job_running_001 @common | Should -BeNullOrEmpty
        $log = Get-MockRequest $server
        $log.method | Should -Be @('GET')
        $log.path | Should -Be @('/v1/job-cancel/job_running_001')
        $log.authorization | Should -BeExactly "Key $($server.Key)"
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'CANCELLING'
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'CANCELLED'
    }

    It '-PassThru writes each job as it is after the request' {
        $jobs = Stop-SutroJob job_running_001, job_lifecycle_001 -PassThru @common
        $jobs[0].PSObject.TypeNames[0] | Should -Be 'Sutro.Job'
        $jobs.JobId | Should -Be @('job_running_001', 'job_lifecycle_001')
        $jobs.Status | Should -Be @('CANCELLING', 'CANCELLING')
    }

    It '-WhatIf sends nothing' {
        Stop-SutroJob job_running_001 -WhatIf @common | Should -BeNullOrEmpty
        Get-MockRequest $server | Should -BeNullOrEmpty
        Get-SutroJob -Status Running @common | Stop-SutroJob -WhatIf @common
        (Get-MockRequest $server).path | Should -Be @('/v1/list-jobs')
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'RUNNING'
    }

    It 'supports -WhatIf/-Confirm with ConfirmImpact Medium' {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Stop-SutroJob))
        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'Medium'
        Stop-SutroJob job_running_001 -Confirm:$false @common
        (Get-MockRequest $server).path | Should -Be @('/v1/job-cancel/job_running_001')
    }

    It 'retries as POST when the API answers 405 to GET' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'job-cancel/job_running_001'; method = 'GET'; status = 405; body = '{"detail": "Method Not Allowed"}' } | Out-Null
        Stop-SutroJob job_running_001 @common -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $log = Get-MockRequest $server
        $log.method | Should -Be @('GET', 'POST')
        $log.status | Should -Be @(405, 200)
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'CANCELLING'
    }

    It 'takes jobs from the pipeline by property name' {
        $stopped = Get-SutroJob -Status Running, Queued @common | Stop-SutroJob -PassThru @common
        $stopped.JobId | Should -Be @('job_lifecycle_001', 'job_running_001')
        (Get-MockRequest $server -Path '*job-cancel*').path | Should -Be @('/v1/job-cancel/job_lifecycle_001', '/v1/job-cancel/job_running_001')
    }

    It 'an unknown job is JobNotFound and the next job is still cancelled' {
        Stop-SutroJob job_nope, job_running_001 @common -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotFound,Sutro.Commands.StopSutroJobCommand'
        $err[0].TargetObject | Should -BeExactly 'job_nope'
        (Get-MockRequest $server -Path '*job-cancel*').path | Should -Be @('/v1/job-cancel/job_nope', '/v1/job-cancel/job_running_001')
    }

    It 'a refusal for a finished job is JobNotCancellable and names its status' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'job-cancel/job_12345'; status = 409; body = '{"detail": "Job is not running"}' } | Out-Null
        Stop-SutroJob job_12345 -PassThru @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotCancellable,Sutro.Commands.StopSutroJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -BeExactly "Job 'job_12345' is already SUCCEEDED, so there is nothing to cancel."
    }

    It 'a wrong key is AuthenticationFailed and the key is not shown' {
        $err = @(Get-TerminatingError { Stop-SutroJob job_running_001 -ApiUrl $server.Url -ApiKey 'sk_wrong_do_not_print' })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Sutro.Commands.StopSutroJobCommand'
        ($err | Out-String) | Should -Not -Match 'sk_wrong_do_not_print'
        (Get-SutroJob job_running_001 @common).Status | Should -BeExactly 'RUNNING'
    }
}
