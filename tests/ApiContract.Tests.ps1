# The API contract as the current service and SDK define it, against the mock Sutro server: where results come
# from, 410s, paged job lists, status words, cancel answers, progress tokens, the key check, bounded answers.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    $script:sutro = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Sutro' }
    $script:small = [IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected'))
    $script:migration = 'Direct Sutro Batch API access is no longer supported by the Sutro SDK. Upgrade the sutro ' +
        'package, then set SUTRO_API_URL to your Sutro single-tenant deployment URL and use an API key from that ' +
        "deployment's API Keys panel."

    function Add-MockJob([hashtable]$Definition) { Invoke-MockControl $server 'jobs' -Body $Definition | Out-Null }
    function Add-Fault([hashtable]$Fault) { Invoke-MockControl $server 'faults' -Body $Fault | Out-Null }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Results when the GET route is missing (POST job-results)' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'a <Status> reads the results through POST job-results as JSON, at once, whatever -Format asked' -ForEach @(
        @{ Status = 405 }, @{ Status = 501 }
    ) {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; method = 'GET'; times = -1; status = $Status; body = '{"detail": "Method Not Allowed"}' }
        $rows = Get-SutroJobResult job_12345 -Format Csv -IncludeInput -IncludeCumulativeLogprob -Raw @common -Verbose 4>&1
        $verbose = @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rows = @($rows | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        ($rows | ConvertTo-CanonicalRows) | Should -BeExactly $small
        ($verbose.Message -join "`n") | Should -Match "no GET results route \($Status\); reading the results through POST job-results, as JSON"
        $log = Get-MockRequest $server
        $log.path | Should -Be @('/v1/jobs/job_12345/results', '/v1/job-results')
        $log.method | Should -Be @('GET', 'POST')
    }

    It 'sends job_id and the include flags in the POST body (the mock answers what they ask for)' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; method = 'GET'; times = -1; status = 405 }
        $rows = Get-SutroJobResult job_12345 -Format Json -IncludeCumulativeLogprob @common
        $rows.Count | Should -Be 5
        @($rows | Where-Object { $null -ne $_.Input }).Count | Should -Be 0
        @($rows | Where-Object { $_.CumulativeLogprob -is [double] }).Count | Should -Be 5
        (Get-MockRequest $server -Path '*/job-results').headers.'Content-Type' | Should -BeLike 'application/json*'
    }

    It 'a 404 for a job whose status is SUCCEEDED falls back to POST job-results (default Parquet, no results-url)' {
        Add-Fault @{ path_end = '/results-url'; times = -1; status = 404; body = '{"detail": "Not Found"}' }
        Add-Fault @{ path_end = 'jobs/job_12345/results'; times = -1; status = 404; body = '{"detail": "Not Found"}' }
        $rows = Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob -Raw @common
        ($rows | ConvertTo-CanonicalRows) | Should -BeExactly $small
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_12345/results-url', '/v1/jobs/job_12345/results',
            '/v1/job-status/job_12345', '/v1/job-results')
    }

    It 'a 404 for a job that is not finished is JobNotComplete, and nothing is POSTed' {
        Add-Fault @{ path_end = 'jobs/job_running_001/results'; times = -1; status = 404; body = '{"detail": "Not Found"}' }
        Get-SutroJobResult job_running_001 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotComplete,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -Match 'RUNNING'
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_running_001/results', '/v1/job-status/job_running_001')
    }

    It 'reads an answer whose results is a bare list of outputs' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; method = 'GET'; times = -1; status = 405 }
        Add-Fault @{ path_end = '/job-results'; method = 'POST'; status = 200; body = '{"results": ["first", "second, \"quoted\""], "message": "ok"}' }
        $rows = Get-SutroJobResult job_12345 -Format Json @common
        $rows.Output | Should -Be @('first', 'second, "quoted"')
        $rows.Index | Should -Be @(0, 1)
    }
}

Describe 'Parquet through the pre-signed artifact' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'Get-SutroJobResult downloads the results-url artifact (6 h link, no key to storage), not the results route' {
        $rows = Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob -Raw @common
        ($rows | ConvertTo-CanonicalRows) | Should -BeExactly $small
        $log = Get-MockRequest $server
        $log.path[0] | Should -BeExactly '/v1/jobs/job_12345/results-url'
        $log[0].query | Should -Match 'expires_in_seconds=21600'
        $log[0].query | Should -Match 'include_inputs=true'
        $log[1].path | Should -BeLike '/artifact/*'
        $log[1].authorization | Should -BeNullOrEmpty
        @($log | Where-Object path -like '*/results').Count | Should -Be 0
    }

    It 'a download cut, then refused as expired (403), asks for a fresh link once and resumes with Range/If-Range' {
        Add-Fault @{ path = '/artifact/'; times = 1; cut_after_bytes = 700 }
        Add-Fault @{ path = '/artifact/'; times = 1; status = 403; body = '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'; content_type = 'application/xml' }
        $rows = Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob -Raw @common
        ($rows | ConvertTo-CanonicalRows) | Should -BeExactly $small
        $log = Get-MockRequest $server
        $log.path -replace '/artifact/.*', '/artifact/' | Should -Be @('/v1/jobs/job_12345/results-url', '/artifact/',
            '/artifact/', '/v1/jobs/job_12345/results-url', '/artifact/')
        $log[-1].range | Should -BeExactly 'bytes=700-'
        $log[-1].if_range | Should -Not -BeNullOrEmpty
        $log[-1].status | Should -Be 206
    }

    It 'a second 403 is ResultsLinkFailed' {
        Add-Fault @{ path = '/artifact/'; times = 2; status = 403; body = 'expired' }
        Get-SutroJobResult job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultsLinkFailed,Sutro.Commands.GetSutroJobResultCommand'
        @(Get-MockRequest $server -Path '*/results-url').Count | Should -Be 2
    }

    It 'falls back to jobs/{id}/results where there is no results-url' {
        Add-Fault @{ path_end = '/results-url'; times = -1; status = 405 }
        (Get-SutroJobResult job_12345 @common).Count | Should -Be 5
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_12345/results-url', '/v1/jobs/job_12345/results')
        (Get-MockRequest $server)[-1].query | Should -Match 'result_format=parquet'
    }

    It 'a body longer than the announced size_bytes is stopped: ResultsSizeMismatch' {
        Add-Fault @{ path = '/artifact/'; times = -1; status = 200; body = ('x' * 5000); content_type = 'application/octet-stream' }
        Get-SutroJobResult job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultsSizeMismatch,Sutro.Commands.GetSutroJobResultCommand'
    }

    It 'a file announced bigger than the free space is refused before any byte is fetched' {
        $answer = @{ artifact = @{ bucket = 'b'; key = 'k'; filename = 'f.parquet'; size_bytes = 100000000000000000 }
            urls = @{ get = "$($server.StorageUrl)/artifact/none"; head = "$($server.StorageUrl)/artifact/none" } } | ConvertTo-Json -Compress
        Add-Fault @{ path_end = '/results-url'; times = 1; status = 200; body = $answer }
        Get-SutroJobResult job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InsufficientDiskSpace,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -Match '100000000000000000 bytes'
        @(Get-MockRequest $server -Path '/artifact/*').Count | Should -Be 0
    }

    It 'a download sent with a transfer encoding it did not ask for is refused, not inflated' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; times = -1; headers = @{ 'Content-Encoding' = 'gzip' } }
        Get-SutroJobResult job_12345 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidApiResponse,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -Match "Content-Encoding 'gzip'"
        (Get-MockRequest $server -Path '*/results')[0].headers.'Accept-Encoding' | Should -BeExactly 'identity'
    }
}

Describe 'Errors that are about the job' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'only a 410 with the SDK''s migration sentence is ApiNoLongerSupported' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; times = 1; status = 410; body = (@{ detail = $migration } | ConvertTo-Json) }
        $err = @(Get-TerminatingError { Get-SutroJobResult job_12345 -Format Json @common })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiNoLongerSupported,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'any other 410 is JobGone: the job''s results are no longer kept' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; times = 1; status = 410; body = '{"detail": "This job is no longer available."}' }
        Get-SutroJobResult job_12345 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobGone,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeExactly ("The results of job 'job_12345' are no longer kept (410 Gone). The server said: " +
            'This job is no longer available. A job''s data is kept for a limited time; submit the job again if you still need it.')
    }

    It 'a 400 for a finished job fails at once with the server''s words (not "not ready")' {
        Add-Fault @{ path_end = 'jobs/job_12345/results'; times = -1; status = 400; body = '{"detail": "Format xml is not available for this job"}' }
        Get-SutroJobResult job_12345 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'HttpError,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].Exception.Message | Should -Match 'Format xml is not available for this job'
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_12345/results')
    }

    It 'Export-SutroJobResult retries results that are not ready right after SUCCEEDED' {
        $sutro.GetType('Sutro.Api.SutroApi').GetProperty('ReadinessWindow', [Reflection.BindingFlags]'Static, NonPublic') | Should -Not -BeNullOrEmpty
        Add-MockJob @{ job_id = 'job_lag'; statuses = @('SUCCEEDED'); results_not_ready_times = 1; rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 }) }
        $target = Join-Path $TestDrive 'lag.json'
        Export-SutroJobResult job_lag -Path $target @common
        (Get-Content -LiteralPath $target -Raw | ConvertFrom-Json).outputs | Should -Be @('o')
        (Get-MockRequest $server).status | Should -Be @(409, 200, 200)
    }
}

Describe 'One unexpected failure stops only its own job' {
    BeforeAll {
        # A job object whose name is a lone surrogate escape: System.Text.Json cannot give it as a string, an
        # exception nothing in the module foresees.
        $script:oddJob = '{"job": {"job_id": "job_odd", "name": "\ud800", "status": "SUCCEEDED"}}'
    }

    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'Get-SutroJobResult -Wait: of three jobs, the second fails with UnexpectedError and the third still runs' {
        Add-Fault @{ path_end = 'jobs/job_odd'; times = -1; status = 200; body = $oddJob }
        $rows = 'job_12345', 'job_odd', 'job_outputs_only' |
            Get-SutroJobResult -Wait -PollIntervalSec 0.1 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 11
        ($rows.JobId | Select-Object -Unique) | Should -Be @('job_12345', 'job_outputs_only')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'UnexpectedError,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'NotSpecified'
        $err[0].TargetObject | Should -BeExactly 'job_odd'
        $err[0].Exception.InnerException | Should -BeOfType [InvalidOperationException]
    }

    It 'Get-SutroJob: of three jobs, the second fails and the other two are written' {
        Add-Fault @{ path_end = 'jobs/job_odd'; times = -1; status = 200; body = $oddJob }
        $jobs = 'job_12345', 'job_odd', 'job_outputs_only' | Get-SutroJob @common -ErrorVariable err -ErrorAction SilentlyContinue
        $jobs.JobId | Should -Be @('job_12345', 'job_outputs_only')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'UnexpectedError,Sutro.Commands.GetSutroJobCommand'
        $err[0].TargetObject | Should -BeExactly 'job_odd'
    }
}

Describe 'list-jobs is paged' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'follows next_cursor until it is null, newest first as the server gives them' {
        foreach ($i in 1..95) {
            Add-MockJob @{ job_id = ('job_page_{0:d3}' -f $i); datetime_created = ('2027-01-01T00:{0:d2}:{1:d2}Z' -f [int][math]::Floor($i / 60), ($i % 60)) }
        }
        $jobs = Get-SutroJob @common
        $jobs.Count | Should -Be 109
        $jobs[0..2].JobId | Should -Be @('job_page_095', 'job_page_094', 'job_page_093')
        $jobs[-1].JobId | Should -BeExactly 'job_big_001'
        $log = Get-MockRequest $server
        $log.path | Should -Be @('/v1/list-jobs', '/v1/list-jobs')
        $log[0].query | Should -BeExactly 'limit=100'
        $log[1].query | Should -Match '^limit=100&cursor=.+'
    }

    It 'streams: a pipeline that stops after the first job asks for one page only' {
        foreach ($i in 1..95) { Add-MockJob @{ job_id = "job_stream_$i" } }
        (Get-SutroJob @common | Select-Object -First 1).JobId | Should -Not -BeNullOrEmpty
        @(Get-MockRequest $server).Count | Should -Be 1
    }

    It '-First N without -Status asks for one page of N and stops' {
        (Get-SutroJob -First 3 @common).JobId | Should -Be @('job_cancelled_001', 'job_failed_001', 'job_lifecycle_001')
        $log = Get-MockRequest $server
        $log.path | Should -Be @('/v1/list-jobs')
        $log[0].query | Should -BeExactly 'limit=3'
    }

    It 'a server that ignores limit (no next_cursor) works' {
        Add-Fault @{ path = 'list-jobs'; times = 1; status = 200; body = '{"message": "ok", "jobs": [{"job_id": "a", "status": "RUNNING"}, {"job_id": "b", "status": "SUCCEEDED"}]}' }
        (Get-SutroJob @common).JobId | Should -Be @('a', 'b')
        @(Get-MockRequest $server).Count | Should -Be 1
    }

    It 'a cursor given twice ends with InvalidApiResponse after the page already written' {
        Add-Fault @{ path = 'list-jobs'; times = -1; status = 200; body = '{"jobs": [{"job_id": "loop"}], "next_cursor": "again"}' }
        $jobs = Get-SutroJob @common -ErrorVariable err -ErrorAction SilentlyContinue
        $jobs.JobId | Should -Be @('loop')
        @(Get-MockRequest $server).Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidApiResponse,Sutro.Commands.GetSutroJobCommand'
    }

    It 'a JSON answer beyond the cap is InvalidApiResponse, not read to its end' {
        $cap = $sutro.GetType('Sutro.Http.SutroApiClient').GetProperty('MaxJsonBytes', [Reflection.BindingFlags]'Static, NonPublic')
        $saved = $cap.GetValue($null)
        $cap.SetValue($null, [long]2048)
        try {
            Get-SutroJob @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidApiResponse,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -Match 'more than 0 MB of JSON'
        }
        finally { $cap.SetValue($null, $saved) }
    }

    It 'the job id completer asks for one small page' {
        $line = "Get-SutroJobResult -ApiUrl '$($server.Url)' -ApiKey '$($server.Key)' -JobId "
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions[0].CompletionText | Should -BeExactly 'job_cancelled_001'
        $log = Get-MockRequest $server
        $log.path | Should -Be @('/v1/list-jobs')
        $log[0].query | Should -BeExactly 'limit=25'
    }
}

Describe 'Smaller points of the contract' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'a quota without priority takes its list position' {
        Add-Fault @{ path = 'get-quotas'; status = 200; body = '{"quotas": [{"row_quota": 10, "token_quota": 20}, {"row_quota": 30, "token_quota": 40}]}' }
        $quotas = Get-SutroQuota @common
        $quotas.Priority | Should -Be @(0, 1)
        $quotas.RowQuota | Should -Be @(10, 30)
    }

    It 'COMPLETED/SUCCESS/DONE are SUCCEEDED, ERROR is FAILED, another word is warned about once' {
        Add-MockJob @{ job_id = 'w1'; statuses = @('COMPLETED'); datetime_created = '2027-02-01T00:00:06Z' }
        Add-MockJob @{ job_id = 'w2'; statuses = @('success'); datetime_created = '2027-02-01T00:00:05Z' }
        Add-MockJob @{ job_id = 'w3'; statuses = @('Done'); datetime_created = '2027-02-01T00:00:04Z' }
        Add-MockJob @{ job_id = 'w4'; statuses = @('ERROR'); datetime_created = '2027-02-01T00:00:03Z' }
        Add-MockJob @{ job_id = 'w5'; statuses = @('warming_up'); datetime_created = '2027-02-01T00:00:02Z' }
        Add-MockJob @{ job_id = 'w6'; statuses = @('warming_up'); datetime_created = '2027-02-01T00:00:01Z' }
        $jobs = Get-SutroJob -First 6 @common -WarningVariable warn -WarningAction SilentlyContinue
        $jobs.Status | Should -Be @('SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'WARMING_UP', 'WARMING_UP')
        $jobs.IsFinal | Should -Be @($true, $true, $true, $true, $false, $false)
        $warn.Count | Should -Be 1
        $warn[0].Message | Should -BeLike "*job status 'WARMING_UP', which this module does not know*"
    }

    It 'reads run_type, so cost-estimate jobs can be told apart' {
        Add-MockJob @{ job_id = 'job_estimate'; run_type = 'COST_ESTIMATE' }
        (Get-SutroJob job_estimate @common).RunType | Should -BeExactly 'COST_ESTIMATE'
        (Get-SutroJob job_12345 @common).RunType | Should -BeExactly 'FULL'
    }

    It 'a cancel answer with "cancelled": false is JobNotCancellable with the server''s words' {
        Add-Fault @{ path = 'job-cancel/job_running_001'; status = 200; body = '{"cancelled": false, "message": "Job is being finalised"}' }
        Stop-SutroJob job_running_001 -Confirm:$false @common -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotCancellable,Sutro.Commands.StopSutroJobCommand'
        $err[0].Exception.Message | Should -Match 'Job is being finalised'
    }

    It 'the progress stream opens at STARTING and its token counts (highest seen) show in the Wait progress bar' {
        Add-MockJob @{ job_id = 'job_tokens'; name = 'tokens'; statuses = @('QUEUED', 'STARTING', 'STARTING', 'STARTING', 'STARTING', 'STARTING', 'SUCCEEDED')
            rows = @(@{ input = 'a'; output = 'b' }, @{ input = 'c'; output = 'd' }, @{ input = 'e'; output = 'f' }) }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:SUTRO_TEST_MODULE'; `$ProgressPreference = 'Continue'; Wait-SutroJob job_tokens -PollIntervalSec 0.3 -ApiUrl '$($server.Url)' -ApiKey '$($server.Key)'")
            $out = $ps.Invoke()
            $out.Count | Should -Be 1
            $descriptions = @($ps.Streams.Progress.StatusDescription)
            @($descriptions | Where-Object { $_ -like 'STARTING, waited *, 3 of 3 rows done, 36 input / 102 output tokens, 2,000 tokens/s' }).Count |
                Should -BeGreaterThan 0
        }
        finally { $ps.Dispose() }
        @(Get-MockRequest $server -Path '*/stream-job-progress/job_tokens').Count | Should -Be 1
    }

    It 'every cmdlet and stage has its own progress activity' {
        $fields = $sutro.GetType('Sutro.Commands.ProgressIds').GetFields([Reflection.BindingFlags]'Static, Public')
        $fields.Name | Should -Contain 'WaitSutroJob'
        $fields.Name | Should -Contain 'ExportSutroJobResult'
        $ids = $fields | ForEach-Object { $_.GetValue($null) }
        ($ids | Select-Object -Unique).Count | Should -Be $fields.Count
    }
}

Describe 'Test-SutroConnection and auth/check' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'a Batch service that fails while auth/check accepts the key is BatchServiceUnavailable' {
        Add-Fault @{ path = 'try-authentication'; times = -1; status = 503; body = '{"detail": "batch backend unreachable"}' }
        Test-SutroConnection -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'BatchServiceUnavailable,Sutro.Commands.TestSutroConnectionCommand'
        $err[0].Exception.Message | Should -Match 'accepts the key \(auth/check\)'
        (Get-MockRequest $server).path | Should -Be @('/v1/try-authentication', '/v1/auth/check')
    }

    It 'a Batch service that fails and a key auth/check refuses is $false' {
        Add-Fault @{ path = 'try-authentication'; times = -1; status = 502; body = 'bad gateway' }
        Add-Fault @{ path = 'auth/check'; times = -1; status = 401; body = '{"detail": "Invalid API key"}' }
        Test-SutroConnection -MaxRetryCount 0 @common | Should -BeFalse
    }

    It 'honours -Proxy' {
        $err = @(Get-TerminatingError { Test-SutroConnection -Proxy 'http://127.0.0.1:9' -MaxRetryCount 0 @common })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ConnectionFailed,Sutro.Commands.TestSutroConnectionCommand'
        @(Get-MockRequest $server).Count | Should -Be 0
    }

    It 'honours -ConnectionTimeoutSeconds' {
        Add-Fault @{ path = 'try-authentication'; times = 1; delay_ms = 4000 }
        Add-Fault @{ path = 'auth/check'; times = 1; delay_ms = 4000 }
        Test-SutroConnection -ConnectionTimeoutSeconds 1 -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResponseTimedOut,Sutro.Commands.TestSutroConnectionCommand'
    }
}
