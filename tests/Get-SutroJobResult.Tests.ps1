# Get-SutroJobResult against the mock Sutro server over loopback.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    function Add-MockJob([hashtable]$Definition) { Invoke-MockControl $server 'jobs' -Body $Definition | Out-Null }

    function Add-BadBody([string]$JobId, [string]$Format, [byte[]]$Bytes) {
        Add-MockJob @{
            job_id = $JobId; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 })
            results_body_base64 = @{ $Format = [Convert]::ToBase64String($Bytes) }
        }
    }

    function New-ZipBytes([hashtable[]]$Entries, [System.IO.Compression.CompressionLevel]$Level = 'Optimal') {
        $ms = [System.IO.MemoryStream]::new()
        $zip = [System.IO.Compression.ZipArchive]::new($ms, [System.IO.Compression.ZipArchiveMode]::Create, $true)
        foreach ($e in $Entries) {
            $entry = $zip.CreateEntry($e.Name, $Level)
            $s = $entry.Open(); $b = [Text.Encoding]::UTF8.GetBytes($e.Text); $s.Write($b, 0, $b.Length); $s.Dispose()
        }
        $zip.Dispose()
        $ms.ToArray()
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroJobResult' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    Context 'independent fixtures served as is' {
        It '<File> decodes to exactly its expected rows' -ForEach @(
            @{ Job = 'job_12345'; Format = 'Json'; File = 'small.json'; Expected = 'small.jsonl' }
            @{ Job = 'job_12345'; Format = 'Csv'; File = 'small.csv.zip'; Expected = 'small.jsonl' }
            @{ Job = 'job_12345'; Format = 'Parquet'; File = 'small.polars.zstd.parquet'; Expected = 'small.jsonl' }
            @{ Job = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'; Format = 'Json'; File = 'nasty.json'; Expected = 'nasty.jsonl' }
            @{ Job = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'; Format = 'Csv'; File = 'nasty.csv.zip'; Expected = 'nasty.csv.jsonl' }
            @{ Job = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'; Format = 'Parquet'; File = 'nasty.polars.zstd.parquet'; Expected = 'nasty.jsonl' }
            @{ Job = 'job_structured_001'; Format = 'Json'; File = 'structured.json'; Expected = 'structured.jsonl' }
            @{ Job = 'job_structured_001'; Format = 'Csv'; File = 'structured.csv.zip'; Expected = 'structured.jsonl' }
            @{ Job = 'job_structured_001'; Format = 'Parquet'; File = 'structured.polars.zstd.parquet'; Expected = 'structured.jsonl' }
            @{ Job = 'job_reasoning_obj'; Format = 'Json'; File = 'reasoning_obj.json'; Expected = 'reasoning_obj.jsonl' }
            @{ Job = 'job_reasoning_obj'; Format = 'Csv'; File = 'reasoning_obj.csv.zip'; Expected = 'reasoning_obj.jsonl' }
            @{ Job = 'job_reasoning_obj'; Format = 'Parquet'; File = 'reasoning_obj.polars.zstd.parquet'; Expected = 'reasoning_obj.jsonl' }
            @{ Job = 'job_outputs_only'; Format = 'Json'; File = 'outputs_only.json'; Expected = 'outputs_only.jsonl' }
            @{ Job = 'job_outputs_only'; Format = 'Csv'; File = 'outputs_only.csv.zip'; Expected = 'outputs_only.jsonl' }
            @{ Job = 'job_outputs_only'; Format = 'Parquet'; File = 'outputs_only.duckdb.zstd.jobcol.parquet'; Expected = 'outputs_only.jsonl' }
        ) {
            $rows = Get-SutroJobResult -JobId $Job -Format $Format -IncludeInput -IncludeCumulativeLogprob -Raw @common
            $expected = [IO.File]::ReadAllText((Get-FixturePath $Expected 'expected'))
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly $expected
            $rows | ForEach-Object { $_.JobId | Should -BeExactly $Job }
            ($rows | ForEach-Object Index) -join ',' | Should -Be ((0..($rows.Count - 1)) -join ',')
        }

        It 'splits reasoning outputs into Output (the content) and Reasoning by default (<Format>)' -ForEach @(
            @{ Format = 'Json' }, @{ Format = 'Csv' }, @{ Format = 'Parquet' }
        ) {
            $rows = Get-SutroJobResult job_reasoning_obj -Format $Format -IncludeInput -IncludeCumulativeLogprob @common
            $expected = [IO.File]::ReadAllText((Get-FixturePath 'reasoning_obj.decoded.jsonl' 'expected'))
            $actual = ($rows | ForEach-Object {
                    '[' + (ConvertTo-CanonicalString $_.Input) + ',' + (ConvertTo-CanonicalString $_.Output) + ',' +
                    (ConvertTo-CanonicalString $_.Reasoning) + ',' + (ConvertTo-CanonicalLogprob $_.CumulativeLogprob) + "]`n"
                }) -join ''
            $actual | Should -BeExactly $expected
        }
    }

    Context 'results served from files on disk (results_files)' {
        It 'gives the rows of the <Format> file, and the job reports num_rows' -ForEach @(
            @{ Format = 'Json' }, @{ Format = 'Csv' }, @{ Format = 'Parquet' }
        ) {
            Add-MockJob @{
                job_id = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'; num_rows = 27
                results_files = @{
                    json = Get-FixturePath 'nasty.json'; csv = Get-FixturePath 'nasty.csv.zip'; parquet = Get-FixturePath 'nasty.polars.zstd.parquet'
                }
            }
            $rows = Get-SutroJobResult -JobId 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f' -Format $Format -IncludeInput -IncludeCumulativeLogprob -Raw @common
            $expected = if ($Format -eq 'Csv') { 'nasty.csv.jsonl' } else { 'nasty.jsonl' }
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath $expected 'expected')))
            (Get-SutroJob -JobId 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f' @common).Rows | Should -Be 27
        }

        It 'refuses a results file that does not exist' {
            $answer = try { Invoke-MockControl $server 'jobs' -Body @{ job_id = 'job_missing_file'; results_files = @{ json = '/nonexistent/results.json' } } } catch { $_ }
            $answer.Exception.Response.StatusCode | Should -Be 400
            $answer.ErrorDetails.Message | Should -BeLike '*no such file*'
            Get-SutroJobResult -JobId 'job_missing_file' @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
        }
    }

    Context 'the same job in every format' {
        It 'gives identical rows, every property, as Parquet, CSV and JSON' {
            $byFormat = @{}
            foreach ($format in 'Parquet', 'Csv', 'Json') {
                $byFormat[$format] = @(Get-SutroJobResult job_same_001 -Format $format -IncludeInput -IncludeCumulativeLogprob @common)
            }
            $byFormat.Json.Count | Should -Be 7
            $names = $byFormat.Json[0].PSObject.Properties.Name
            $names[0..4] | Should -Be @('JobId', 'Index', 'Input', 'Output', 'CumulativeLogprob')
            $names | Should -Contain 'row_id'
            $names | Should -Contain 'confidence_score'
            foreach ($format in 'Parquet', 'Csv') {
                for ($i = 0; $i -lt 7; $i++) {
                    $a = $byFormat.Json[$i]; $b = $byFormat[$format][$i]
                    $b.PSObject.Properties.Name | Should -Be $names
                    foreach ($n in $names) {
                        if ($n -eq 'Input' -and $format -eq 'Csv' -and $null -eq $a.Input) {
                            # CSV cannot hold a null string: it reads back as empty.
                            $b.Input | Should -BeExactly ''
                            continue
                        }
                        $b.$n | Should -BeExactly $a.$n -Because "row $i property $n ($format vs Json)"
                        if ($null -ne $a.$n) { $b.$n.GetType() | Should -Be $a.$n.GetType() -Because "row $i property $n type ($format)" }
                    }
                }
            }
        }

        It 'types rows as Sutro.JobResultRow with [double] logprobs and $null where absent' {
            $rows = Get-SutroJobResult job_outputs_only -Format Json @common
            $rows[0].PSObject.TypeNames[0] | Should -Be 'Sutro.JobResultRow'
            $rows[0].Input | Should -BeNullOrEmpty
            $rows[0].CumulativeLogprob | Should -BeNullOrEmpty
            $rows = Get-SutroJobResult job_12345 -IncludeCumulativeLogprob @common
            $rows[0].CumulativeLogprob | Should -BeOfType [double]
        }
    }

    Context 'the request' {
        It 'sends the format as result_format and format, and maps the include switches' {
            Get-SutroJobResult job_12345 -Format Csv -IncludeInput @common | Out-Null
            $log = Invoke-MockControl $server 'requests' -Method Get
            $request = @($log | Where-Object path -like '*jobs/job_12345/results')[-1]
            $request.query | Should -Match 'result_format=csv'
            $request.query | Should -Match '(\?|&)format=csv'
            $request.query | Should -Match 'include_inputs=true'
            $request.query | Should -Match 'include_cumulative_logprobs=false'
            $request.authorization | Should -BeExactly "Key $($server.Key)"
        }

        It 'defaults to Parquet, from the results-url artifact' {
            Get-SutroJobResult job_12345 @common | Out-Null
            $log = Invoke-MockControl $server 'requests' -Method Get
            @($log | Where-Object path -like '*jobs/job_12345/results-url')[-1].query | Should -Match 'format=parquet'
        }

        It 'takes job ids from the pipeline by value and by property name (Id, job_id)' {
            (@('job_12345', 'job_outputs_only') | Get-SutroJobResult @common).Count | Should -Be 11
            ([pscustomobject]@{ job_id = 'job_12345' } | Get-SutroJobResult @common).Count | Should -Be 5
            ([pscustomobject]@{ Id = 'job_12345' } | Get-SutroJobResult @common).Count | Should -Be 5
            ([pscustomobject]@{ JobId = 'job_12345' } | Get-SutroJobResult @common).Count | Should -Be 5
        }

        It 'reads the URL and key from SUTRO_API_URL and SUTRO_API_KEY' {
            $env:SUTRO_API_URL = $server.Url; $env:SUTRO_API_KEY = $server.Key
            try { (Get-SutroJobResult job_12345).Count | Should -Be 5 }
            finally { Remove-Item Env:SUTRO_API_URL, Env:SUTRO_API_KEY }
        }

        It 'accepts the key as a plain string or a SecureString' {
            $secure = ConvertTo-SecureString $server.Key -AsPlainText -Force
            (Get-SutroJobResult job_12345 -ApiUrl $server.Url -ApiKey $secure).Count | Should -Be 5
        }
    }

    Context 'HTTP errors' {
        It 'a wrong key is AuthenticationFailed, and the error does not show the key' {
            $bad = 'sk_wrong_key_do_not_print'
            $err = @(Get-TerminatingError { $rows = Get-SutroJobResult job_12345 -ApiUrl $server.Url -ApiKey $bad })
            $rows | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err[0].TargetObject | Should -Be 'job_12345'
            ($err | Out-String) | Should -Not -Match $bad
        }

        It 'an unknown job is JobNotFound and the next job still runs' {
            $rows = Get-SutroJobResult 'job_nope', 'job_12345' @common -ErrorVariable err -ErrorAction SilentlyContinue
            $rows.Count | Should -Be 5
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'job_nope'
        }

        It 'an unfinished job is JobNotComplete and names its status' {
            Get-SutroJobResult job_running_001 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JobNotComplete,*'
            $err[0].Exception.Message | Should -Match 'RUNNING'
        }

        It 'a 410 shows the server''s migration detail' {
            $detail = 'Direct Sutro Batch API access is no longer supported by the Sutro SDK. Upgrade the sutro package, ' +
                'then set SUTRO_API_URL to your Sutro single-tenant deployment URL and use an API key from that ' +
                "deployment's API Keys panel."
            Invoke-MockControl $server 'faults' -Body @{ path = 'jobs/job_12345/results'; times = 1; status = 410; body = (@{ detail = $detail } | ConvertTo-Json); content_type = 'application/json' } | Out-Null
            $err = @(Get-TerminatingError { Get-SutroJobResult job_12345 @common })
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ApiNoLongerSupported,*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($detail))
        }

        It 'a body cut short of its Content-Length is an error with no rows when retries are off' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results'; times = 1; cut_after_bytes = 1000 } | Out-Null
            $rows = Get-SutroJobResult job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f -Format Json -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $rows | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadInterrupted,*'
        }

        It 'a body cut short is downloaded again and gives every row' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results'; times = 1; cut_after_bytes = 1000 } | Out-Null
            $rows = Get-SutroJobResult job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f -Format Json -IncludeInput -IncludeCumulativeLogprob -Raw @common
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'nasty.jsonl' 'expected')))
            @((Invoke-MockControl $server 'requests' -Method Get) | Where-Object path -like '*/results').Count | Should -Be 2
        }
    }

    Context 'the first pass over a JSON or CSV body runs while it downloads' {
        BeforeAll {
            $script:nastyJob = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'
            function Split-Verbose($Output) {
                @{
                    Rows = @($Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
                    Verbose = @($Output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
                        ForEach-Object Message)
                }
            }
        }

        It '<Format>: a whole body is validated while it downloads and gives exactly its rows' -ForEach @(
            @{ Format = 'Json'; Expected = 'nasty.jsonl' }
            @{ Format = 'Csv'; Expected = 'nasty.csv.jsonl' }
        ) {
            $out = Split-Verbose (Get-SutroJobResult $nastyJob -Format $Format -IncludeInput -IncludeCumulativeLogprob -Raw `
                @common -Verbose 4>&1)
            ($out.Rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath $Expected 'expected')))
            @($out.Verbose | Where-Object { $_ -eq "Job ${nastyJob}: the body was validated while it downloaded." }).Count |
                Should -Be 1
        }

        It 'Parquet has no such pass' {
            $out = Split-Verbose (Get-SutroJobResult $nastyJob -Format Parquet -IncludeInput -IncludeCumulativeLogprob -Raw `
                @common -Verbose 4>&1)
            ($out.Rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'nasty.jsonl' 'expected')))
            @($out.Verbose | Where-Object { $_ -like '*validated while it downloaded*' }).Count | Should -Be 0
        }

        It '<Format>: a body cut once is fetched again, validated anew from the file, and gives exactly its rows' -ForEach @(
            @{ Format = 'Json'; Expected = 'nasty.jsonl' }
            @{ Format = 'Csv'; Expected = 'nasty.csv.jsonl' }
        ) {
            Invoke-MockControl $server 'faults' -Body @{ path = "jobs/$nastyJob/results"; times = 1; cut_after_bytes = 700 } |
                Out-Null
            $out = Split-Verbose (Get-SutroJobResult $nastyJob -Format $Format -IncludeInput -IncludeCumulativeLogprob -Raw `
                @common -Verbose 4>&1)
            ($out.Rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath $Expected 'expected')))
            @($out.Verbose | Where-Object { $_ -like '*validated while it downloaded*' }).Count | Should -Be 0
            @((Invoke-MockControl $server 'requests' -Method Get) | Where-Object path -like '*/results').Count | Should -Be 2
        }
    }
}

Describe 'Get-SutroJobResult -Wait' {
    BeforeAll {
        $script:sutro = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Sutro' }
        $script:window = $sutro.GetType('Sutro.Api.SutroApi').GetProperty('ReadinessWindow', [Reflection.BindingFlags]'Static, NonPublic')
        $script:lifecycleRows = @(
            @{ input = 'Name a primary colour.'; output = 'Blue'; logprob = -0.75 }
            @{ input = 'Name a planet.'; output = 'Mars'; logprob = -1.25 }
        )
    }

    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'waits for the job to succeed, then fetches its results' {
        $rows = Get-SutroJobResult job_lifecycle_001 -Wait -PollIntervalSec 0.1 -IncludeInput -IncludeCumulativeLogprob @common
        ($rows | ForEach-Object { "$($_.Index)|$($_.Input)|$($_.Output)|$($_.CumulativeLogprob)" }) |
            Should -Be @('0|Name a primary colour.|Blue|-0.75', '1|Name a planet.|Mars|-1.25', '2|Name a prime number.|7|-0.5')
        (Get-MockRequest $server -Path '*/results-url').status | Should -Be @(200)
    }

    It 'retries results that are not ready right after SUCCEEDED' {
        Add-MockJob @{ job_id = 'job_lagging'; statuses = @('QUEUED', 'RUNNING', 'SUCCEEDED'); results_not_ready_times = 2; rows = $lifecycleRows }
        $rows = Get-SutroJobResult job_lagging -Wait -PollIntervalSec 0.1 @common
        $rows.Output | Should -Be @('Blue', 'Mars')
        (Get-MockRequest $server -Path '*/results-url').status | Should -Be @(409, 409, 200)
    }

    It 'gives up on results that stay not ready after the readiness window' {
        $saved = $window.GetValue($null)
        $window.SetValue($null, [TimeSpan]::FromSeconds(0.5))
        try {
            Add-MockJob @{ job_id = 'job_never_ready'; statuses = @('SUCCEEDED'); results_not_ready_times = 1000; rows = $lifecycleRows }
            Get-SutroJobResult job_never_ready -Wait -PollIntervalSec 0.1 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotComplete,Sutro.Commands.GetSutroJobResultCommand'
            (Get-MockRequest $server -Path '*/results-url').Count | Should -BeGreaterThan 1
        }
        finally { $window.SetValue($null, $saved) }
    }

    It 'without -Wait, retries "not ready" only for a job that job-status says has succeeded' {
        Add-MockJob @{ job_id = 'job_lagging'; statuses = @('SUCCEEDED'); results_not_ready_times = 1; rows = $lifecycleRows }
        (Get-SutroJobResult job_lagging -PollIntervalSec 0.1 @common).Output | Should -Be @('Blue', 'Mars')
        $log = Get-MockRequest $server
        $log.path -replace '/artifact/.*', '/artifact/' |
            Should -Be @('/v1/jobs/job_lagging/results-url', '/v1/job-status/job_lagging', '/v1/jobs/job_lagging/results-url', '/artifact/')
        $log.status | Should -Be @(409, 200, 200, 200)

        Invoke-MockControl $server 'reset' | Out-Null
        Get-SutroJobResult job_running_001 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotComplete,Sutro.Commands.GetSutroJobResultCommand'
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_running_001/results-url', '/v1/job-status/job_running_001')
    }

    It 'a failed job is JobFailed and no results are asked for; the next job still runs' {
        $rows = Get-SutroJobResult job_failed_001, job_12345 -Wait -PollIntervalSec 0.1 @common -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 5
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobFailed,Sutro.Commands.GetSutroJobResultCommand'
        $err[0].TargetObject | Should -BeExactly 'job_failed_001'
        (Get-MockRequest $server -Path '*/results-url').path | Should -Be @('/v1/jobs/job_12345/results-url')
    }

    It 'a wait beyond -TimeoutSec is WaitTimedOut' {
        Get-SutroJobResult job_running_001 -Wait -TimeoutSec 1 -PollIntervalSec 0.2 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WaitTimedOut,Sutro.Commands.GetSutroJobResultCommand'
    }
}
