# Failures of the whole command (no settings, a refused key, an unreachable server, a URL that is not a Sutro API)
# are terminating errors that a plain try/catch catches; a failure of one job among many is not.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $script:wrongKey = @{ ApiUrl = $server.Url; ApiKey = 'sk_wrong_key_for_tests_4242' }
    $ProgressPreference = 'SilentlyContinue'

    # Runs a command in a plain try/catch and returns what was caught (null when nothing was).
    function Get-Caught([scriptblock]$Command) {
        try { & $Command | Out-Null; $null } catch { $_ }
    }

    # A free loopback port that nothing listens on.
    function Get-ClosedUrl {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        "http://127.0.0.1:$port/v1"
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'A URL that is not a Sutro API' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It '<Command> on a server that answers 404 to every path is ApiNotFound (not JobNotFound), after one probe' -ForEach @(
        @{ Command = 'Get-SutroJobResult'; Route = 'job-status/job_12345'; Run = { Get-SutroJobResult job_12345 -Format Json @common } }
        @{ Command = 'Get-SutroJob'; Route = 'jobs/job_12345'; Run = { Get-SutroJob job_12345 @common } }
        @{ Command = 'Get-SutroJob (list)'; Route = 'list-jobs'; Run = { Get-SutroJob @common } }
        @{ Command = 'Wait-SutroJob'; Route = 'jobs/job_12345'; Run = { Wait-SutroJob job_12345 @common } }
        @{ Command = 'Stop-SutroJob'; Route = 'job-cancel/job_12345'; Run = { Stop-SutroJob job_12345 -Confirm:$false @common } }
        @{ Command = 'Export-SutroJobResult'; Route = 'job-status/job_12345'; Run = { Export-SutroJobResult job_12345 -Path (Join-Path $TestDrive 'x.json') @common } }
    ) {
        Invoke-MockControl $server 'faults' -Body @{ path = '/v1/'; times = -1; status = 404; body = '{"detail": "Not Found"}' } | Out-Null
        $caught = Get-Caught $Run
        $caught | Should -Not -BeNullOrEmpty
        ($caught.FullyQualifiedErrorId -split ',')[0] | Should -BeExactly 'ApiNotFound'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.Exception.Message | Should -BeExactly ("This URL does not look like a Sutro API: $($server.Url)/v1/ answered 404 Not Found to " +
            "$Route, and to auth/check and try-authentication, which every Sutro deployment serves. Check the API URL given by " +
            "-ApiUrl, Connect-Sutro or SUTRO_API_URL: it is your deployment's address.")
        @(Get-MockRequest $server -Path '/v1/auth/check').Count | Should -Be 1
        @(Get-MockRequest $server -Path '/v1/try-authentication').Count | Should -Be 1
        Test-Path -LiteralPath (Join-Path $TestDrive 'x.json') | Should -BeFalse
    }

    It 'Test-SutroConnection on such a server is ApiNotFound too' {
        Invoke-MockControl $server 'faults' -Body @{ path = '/v1/'; times = -1; status = 404; body = '{"detail": "Not Found"}' } | Out-Null
        $caught = Get-TerminatingError { Test-SutroConnection @common }
        $caught.FullyQualifiedErrorId | Should -BeExactly 'ApiNotFound,Sutro.Commands.TestSutroConnectionCommand'
        $caught.Exception.Message | Should -BeExactly ("This URL does not look like a Sutro API: $($server.Url)/v1/ answered 404 Not Found to " +
            'try-authentication, and to auth/check and try-authentication, which every Sutro deployment serves. Check the API URL ' +
            "given by -ApiUrl, Connect-Sutro or SUTRO_API_URL: it is your deployment's address.")
    }

    It 'a job that does not exist on a real Sutro API stays JobNotFound, and non-terminating' {
        $rows = Get-SutroJobResult job_nope, job_12345 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue
        @($rows).Count | Should -Be 5
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotFound,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly "Job 'job_nope' was not found. The server said: Job not found. Check the id with Get-SutroJob."
    }
}

Describe 'Failures of the whole command terminate' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'a refused key ends <Command> at the first job: try/catch catches AuthenticationFailed and no later job is tried' -ForEach @(
        @{ Command = 'Get-SutroJobResult'; Run = { param($p) Get-SutroJobResult job_12345, job_demo_001 -Format Json @p } }
        @{ Command = 'Get-SutroJob'; Run = { param($p) Get-SutroJob job_12345, job_demo_001 @p } }
        @{ Command = 'Wait-SutroJob'; Run = { param($p) Wait-SutroJob job_12345, job_demo_001 @p } }
        @{ Command = 'Export-SutroJobResult'; Run = { param($p) Export-SutroJobResult job_12345, job_demo_001 -Path $TestDrive @p } }
        @{ Command = 'Get-SutroQuota'; Run = { param($p) Get-SutroQuota @p } }
    ) {
        $caught = Get-Caught { & $Run $wrongKey }
        ($caught.FullyQualifiedErrorId -split ',')[0] | Should -BeExactly 'AuthenticationFailed'
        $caught.Exception.Message | Should -Not -Match 'sk_wrong_key_for_tests_4242'
        @(Get-MockRequest $server -Path '*job_demo_001*').Count | Should -Be 0
    }

    It 'an unreachable server is a terminating ConnectionFailed' {
        $caught = Get-Caught { Get-SutroJobResult job_12345, job_demo_001 -ApiUrl (Get-ClosedUrl) -ApiKey $server.Key -MaxRetryCount 0 }
        ($caught.FullyQualifiedErrorId -split ',')[0] | Should -BeExactly 'ConnectionFailed'
        $caught.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'missing settings are a terminating error that names what to set' {
        $state = Enter-SutroTestSettings
        try {
            $caught = Get-Caught { Get-SutroJobResult job_12345 }
            $caught | Should -Not -BeNullOrEmpty
            ($caught.FullyQualifiedErrorId -split ',')[0] | Should -BeIn @('ApiUrlNotSet', 'ApiKeyNotFound')
            $caught.Exception.Message | Should -Match 'Connect-Sutro'
        }
        finally { Exit-SutroTestSettings $state }
    }

    It 'with -ErrorAction SilentlyContinue a refused key still stops the command (it is not one job''s failure)' {
        { Get-SutroJobResult job_12345 -Format Json @wrongKey -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'AuthenticationFailed,Sutro.Commands.GetSutroJobResultCommand'
    }

    It 'one missing job among several stays non-terminating: try/catch catches nothing and the others run' {
        $caught = Get-Caught { Get-SutroJobResult job_nope, job_12345 -Format Json @common -ErrorAction SilentlyContinue }
        $caught | Should -BeNullOrEmpty
    }
}
