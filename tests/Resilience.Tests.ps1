# Transient failures are absorbed, real ones are clear, the key never leaks: a fault matrix against
# the mock server, one test per row.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    $script:expectedSmall = [IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected'))

    function Add-Fault([hashtable]$Fault) { Invoke-MockControl $server 'faults' -Body $Fault | Out-Null }
    function Get-Requests([string]$Like) {
        $log = Invoke-MockControl $server 'requests' -Method Get   # one array object: enumerate it below
        @($log | Where-Object path -like $Like)
    }
    $script:small = @{ JobId = 'job_12345'; Format = 'Json'; IncludeInput = $true; IncludeCumulativeLogprob = $true }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Retries' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It '429 with Retry-After, then 200: the rows arrive and the wait is reported in -Verbose' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; status = 429; headers = @{ 'Retry-After' = '1' }; body = '{"detail":"slow down"}'; content_type = 'application/json' }
        $rows = Get-SutroJobResult @small @common -Verbose 4>&1
        $verbose = @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($rows | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
        ($verbose.Message -join "`n") | Should -Match 'RateLimited \(429\); retry 1 of 3 in 1\.0 s\.'
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 2
    }

    It '503 twice, then 200' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 2; status = 503; body = 'unavailable' }
        (Get-SutroJobResult @small @common | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 3
    }

    It 'a Cloudflare 524 HTML page, then 200' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; status = 524; content_type = 'text/html'; body = '<html><head><title>api.sutro.sh | 524: A timeout occurred</title></head><body>Cloudflare</body></html>' }
        (Get-SutroJobResult @small @common | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 2
    }

    It 'a connection reset in the middle of the body, then success' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; cut_after_bytes = 100 }
        (Get-SutroJobResult @small @common | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 2
    }

    It 'a stalled body hits the idle timeout (-OperationTimeoutSeconds) and fails with DownloadStalled' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; stall_after_bytes = 100 }
        $rows = Get-SutroJobResult @small @common -OperationTimeoutSeconds 2 -MaxRetryCount 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadStalled,*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err[0].Exception.Message | Should -BeExactly 'The download stalled: no data for 2 s after 100 bytes. Try again.'
    }

    It 'a stalled body is retried and then succeeds' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; stall_after_bytes = 100 }
        (Get-SutroJobResult @small @common -OperationTimeoutSeconds 2 | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
    }

    It 'a persistent 500 fails after exactly MaxRetryCount + 1 attempts (<Retries> retries)' -ForEach @(@{ Retries = 0 }, @{ Retries = 2 }) {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = -1; status = 500; body = '{"detail":"boom"}'; content_type = 'application/json' }
        $rows = Get-SutroJobResult @small @common -MaxRetryCount $Retries -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerError,*'
        $err[0].Exception.Message | Should -Match 'The server said: boom'
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be ($Retries + 1)
    }

    It '401 is not retried' {
        $err = @(Get-TerminatingError { Get-SutroJobResult @small -ApiUrl $server.Url -ApiKey 'sk_not_the_key' })
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 1
    }

    It '404 is not retried' {
        Get-SutroJobResult job_missing @common -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-Requests '*jobs/job_missing/results').Count | Should -Be 1
    }
}

Describe 'Redirects' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'follows a redirect to another origin without the Authorization header' {
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; redirect_to = 'storage' }
        (Get-SutroJobResult @small @common | ConvertTo-CanonicalRows) | Should -BeExactly $expectedSmall
        $requests = Get-Requests '*jobs/job_12345/results'
        $requests.Count | Should -Be 2
        $requests[0].origin | Should -Be 'api'
        $requests[0].authorization | Should -BeExactly "Key $($server.Key)"
        $requests[1].origin | Should -Be 'storage'
        $requests[1].authorization | Should -BeNullOrEmpty
    }
}

Describe 'Secrets' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'no stream, error or transcript holds the key, even when the server echoes it' {
        $key = $server.Key
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; status = 503; body = "{`"detail`":`"overloaded for key $key`"}"; content_type = 'application/json' }
        Add-Fault @{ path = 'jobs/job_outputs_only/results'; times = -1; status = 500; body = "internal error, Authorization: Key $key" }
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -LiteralPath $transcript | Out-Null
        try {
            $all = Get-SutroJobResult job_12345, job_outputs_only, job_missing -Format Json @common -MaxRetryCount 1 -Verbose -Debug -ErrorVariable err -ErrorAction Continue *>&1 | Out-String
            $all | Out-Host
        }
        finally { Stop-Transcript | Out-Null }
        $err.Count | Should -Be 2
        $all | Should -Match 'ServerError|The server said'
        $all | Should -Not -Match ([regex]::Escape($key))
        ($err | ForEach-Object { $_.Exception.ToString() + $_.ToString() }) -join "`n" | Should -Not -Match ([regex]::Escape($key))
        ($err | ForEach-Object { $_.Exception.Message }) -join "`n" | Should -Match 'overloaded for key \*\*\*|Key \*\*\*'
        Get-Content -LiteralPath $transcript -Raw | Should -Not -Match ([regex]::Escape($key))
        Get-Content -LiteralPath $transcript -Raw | Should -Match 'GET http://127\.0\.0\.1:\d+/v1/jobs/job_12345/results'
    }

    It 'refuses plain http to a host that is not loopback, before sending anything' {
        $err = @(Get-TerminatingError { Get-SutroJobResult job_12345 -ApiUrl 'http://sutro.example.com' -ApiKey 'sk_x' })
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
        $err[0].Exception.Message | Should -Match 'plain http'
    }
}

Describe 'Ctrl+C' {
    It 'during a retry backoff returns promptly (well before the 60 s Retry-After)' {
        Invoke-MockControl $server 'reset' | Out-Null
        Add-Fault @{ path = 'jobs/job_12345/results'; times = 1; status = 503; headers = @{ 'Retry-After' = '60' } }
        $ps = [PowerShell]::Create()
        [void]$ps.AddScript({
                param($module, $url, $key)
                Import-Module $module
                Get-SutroJobResult job_12345 -Format Json -ApiUrl $url -ApiKey $key
            }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key)
        $null = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-Requests '*jobs/job_12345/results').Count -lt 1) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the request was not sent' }
            Start-Sleep -Milliseconds 50
        }
        Start-Sleep -Milliseconds 300   # now in the 60 s backoff
        $stop = $ps.BeginStop($null, $null)
        $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(10)) | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        (Get-Requests '*jobs/job_12345/results').Count | Should -Be 1
        $ps.Dispose()
    }
}
