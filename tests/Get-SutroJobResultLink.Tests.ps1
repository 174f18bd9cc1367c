# Get-SutroJobResultLink against the mock Sutro server: the link, its lifetime, the views that hide it, and the errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    $script:fixture = Get-FixturePath 'small.polars.zstd.parquet'
    $script:command = 'Sutro.Commands.GetSutroJobResultLinkCommand'

    function Add-MockFault([hashtable]$Fault) { Invoke-MockControl $server 'faults' -Body $Fault | Out-Null }
    function Get-Lines([string]$Text) { @($Text -split "`r?`n" | Where-Object { $_.Trim() } | ForEach-Object { $_.TrimEnd() }) }
    function Get-Query([string]$Path) { @(Get-MockRequest $server -Path $Path).query }
    function Get-Sha256OfBytes([byte[]]$Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroJobResultLink' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'gives the link of a finished job, which downloads the Parquet file without the key' {
        $before = [DateTimeOffset]::UtcNow
        $link = Get-SutroJobResultLink -JobId job_12345 @common
        $after = [DateTimeOffset]::UtcNow

        $link | Should -BeOfType ([Sutro.JobResultLink])
        $link.PSObject.TypeNames[0] | Should -BeExactly 'Sutro.JobResultLink'
        $link.PSObject.Properties.Name | Should -Be @('JobId', 'Url', 'FileName', 'SizeBytes', 'ExpiresAt')
        $link.JobId | Should -BeExactly 'job_12345'
        $link.FileName | Should -BeExactly 'job_12345.parquet'
        $link.SizeBytes | Should -Be 1922
        $link.SizeBytes | Should -Be (Get-Item -LiteralPath $fixture).Length
        $link.Url | Should -BeOfType ([string])
        $link.Url | Should -Match ('^' + [regex]::Escape($server.StorageUrl) + '/artifact/[0-9a-f]{32}$')
        $link.ExpiresAt | Should -BeOfType ([DateTimeOffset])
        $link.ExpiresAt.Offset | Should -Be ([TimeSpan]::Zero)
        $link.ExpiresAt | Should -BeGreaterOrEqual $before.AddSeconds(3600)
        $link.ExpiresAt | Should -BeLessOrEqual $after.AddSeconds(3600)
        "$link" | Should -BeExactly 'job_12345'

        Get-Query '/v1/jobs/job_12345/results-url' |
            Should -Be @('format=parquet&include_inputs=false&include_cumulative_logprobs=false&expires_in_seconds=3600')

        $bytes = (Invoke-WebRequest -Uri $link.Url).Content
        Get-Sha256OfBytes $bytes | Should -BeExactly (Get-FileHash -LiteralPath $fixture -Algorithm SHA256).Hash
        $download = Get-MockRequest $server -Path '/artifact/*'
        $download.origin | Should -BeExactly 'storage'
        $download.authorization | Should -BeNullOrEmpty
    }

    It 'asks for the lifetime and the columns given, and counts ExpiresAt from the answer' {
        $before = [DateTimeOffset]::UtcNow
        $link = Get-SutroJobResultLink job_12345 -ExpiresInSeconds 600 -IncludeInput -IncludeCumulativeLogprob @common
        $after = [DateTimeOffset]::UtcNow
        Get-Query '/v1/jobs/job_12345/results-url' |
            Should -Be @('format=parquet&include_inputs=true&include_cumulative_logprobs=true&expires_in_seconds=600')
        $link.ExpiresAt | Should -BeGreaterOrEqual $before.AddSeconds(600)
        $link.ExpiresAt | Should -BeLessOrEqual $after.AddSeconds(600)
        # The file holds the inputs and logprobs: the mock's token serves that variant.
        $rows = @(Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob @common)
        $path = Join-Path $TestDrive 'with-inputs.parquet'
        Invoke-WebRequest -Uri $link.Url -OutFile $path
        (Get-Item -LiteralPath $path).Length | Should -Be $link.SizeBytes
        $read = @(Import-SutroJobResult -LiteralPath $path)
        $read.Input | Should -Be $rows.Input
        $read.CumulativeLogprob | Should -Be $rows.CumulativeLogprob
        $read[0].Input | Should -Not -BeNullOrEmpty
    }

    It 'takes the lifetime the answer gives over the one asked, and the link exactly as sent' {
        $url = 'https://storage.example.com/results/job_12345.parquet?X-Amz-Signature=ab%2Bcd%2F%3D&X-Amz-Expires=120'
        Add-MockFault @{ path_end = '/results-url'; status = 200; content_type = 'application/json'
            body = '{"artifact": {"bucket": "b", "key": "k", "size_bytes": 77}, "urls": {"get": "' + $url + '", "head": "' + $url + '"}, "expires_in_seconds": 120}' }
        $before = [DateTimeOffset]::UtcNow
        $link = Get-SutroJobResultLink job_12345 -ExpiresInSeconds 7200 @common
        $after = [DateTimeOffset]::UtcNow
        $link.Url | Should -BeExactly $url
        $link.FileName | Should -BeNullOrEmpty
        $link.SizeBytes | Should -Be 77
        $link.ExpiresAt | Should -BeGreaterOrEqual $before.AddSeconds(120)
        $link.ExpiresAt | Should -BeLessOrEqual $after.AddSeconds(120)
    }

    It 'takes the lifetime asked when the answer gives none' {
        Add-MockFault @{ path_end = '/results-url'; status = 200; content_type = 'application/json'
            body = '{"artifact": {"filename": "out.parquet", "size_bytes": 5}, "urls": {"get": "https://storage.example.com/x"}}' }
        $before = [DateTimeOffset]::UtcNow
        $link = Get-SutroJobResultLink job_12345 -ExpiresInSeconds 90 @common
        $after = [DateTimeOffset]::UtcNow
        $link.FileName | Should -BeExactly 'out.parquet'
        $link.ExpiresAt | Should -BeGreaterOrEqual $before.AddSeconds(90)
        $link.ExpiresAt | Should -BeLessOrEqual $after.AddSeconds(90)
    }

    It 'never shows the link in its table, its list or its verbose text' {
        $PSStyle.OutputRendering = 'PlainText'
        $link = Get-SutroJobResultLink job_12345 @common -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [Sutro.JobResultLink] }
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose.Count | Should -Be 2
        $verbose[1] | Should -BeExactly ("Job job_12345: a results link to job_12345.parquet (1922 bytes), valid until " +
            $link.ExpiresAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture) + 'Z.')
        $token = ($link.Url -split '/')[-1]
        foreach ($line in $verbose) { $line | Should -Not -Match $token }

        $expires = $link.ExpiresAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture) + 'Z'
        $table = Get-Lines ($link | Out-String -Width 120)
        $table | Should -Be @(
            'JobId                    FileName                SizeBytes ExpiresAt'
            '-----                    --------                --------- ---------'
            ('job_12345                job_12345.parquet            1922 ' + $expires))
        $list = Get-Lines ($link | Format-List | Out-String -Width 120)
        $list | Should -Be @('JobId     : job_12345', 'FileName  : job_12345.parquet', 'SizeBytes : 1922', "ExpiresAt : $expires")
        ($link | Format-List * | Out-String -Width 400) | Should -Match $token -Because 'Format-List * shows every property'
    }

    It 'takes ids from the pipeline: strings, job objects and job_id properties' {
        $links = @('job_12345' | Get-SutroJobResultLink @common)
        $links += Get-SutroJob job_12345 @common | Get-SutroJobResultLink @common
        $links += [pscustomobject]@{ job_id = 'job_12345' } | Get-SutroJobResultLink @common
        $links += [pscustomobject]@{ Id = 'job_12345' } | Get-SutroJobResultLink @common
        $links.JobId | Should -Be @('job_12345', 'job_12345', 'job_12345', 'job_12345')
        @(Get-MockRequest $server -Path '*/results-url').Count | Should -Be 4
    }

    It 'refuses a lifetime of <Seconds> s before sending anything' -ForEach @(@{ Seconds = 0 }, @{ Seconds = 604801 }) {
        { Get-SutroJobResultLink job_12345 -ExpiresInSeconds $Seconds @common } |
            Should -Throw -ErrorId "ParameterArgumentValidationError,$command"
        Get-MockRequest $server | Should -BeNullOrEmpty
    }

    It 'accepts the longest lifetime, seven days' {
        (Get-SutroJobResultLink job_12345 -ExpiresInSeconds 604800 @common).JobId | Should -BeExactly 'job_12345'
        Get-Query '/v1/jobs/job_12345/results-url' |
            Should -Be @('format=parquet&include_inputs=false&include_cumulative_logprobs=false&expires_in_seconds=604800')
    }

    It 'is JobNotComplete for a job still running, with its status and the way to wait' {
        $out = Get-SutroJobResultLink job_running_001 @common -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JobNotComplete,$command"
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $err[0].TargetObject | Should -BeExactly 'job_running_001'
        $err[0].Exception.Message | Should -BeExactly ("Job 'job_running_001' has no results to link yet: its status is RUNNING. " +
            'Wait for it with Wait-SutroJob, then ask again: Wait-SutroJob -JobId job_running_001 | Get-SutroJobResultLink.')
        (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_running_001/results-url', '/v1/job-status/job_running_001')
    }

    It 'is JobNotFound for an unknown job, and goes on with the next id' {
        $links = @(Get-SutroJobResultLink nope_404, job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue)
        $links.JobId | Should -Be @('job_12345')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JobNotFound,$command"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "Job 'nope_404' was not found.*Check the id with Get-SutroJob."
    }

    It 'is ResultsLinkUnsupported where the deployment has no results-url route (<Status>)' -ForEach @(
        @{ Status = 404 }, @{ Status = 405 }, @{ Status = 501 }
    ) {
        Invoke-MockControl $server 'routes' -Body @{ missing = 'results-url'; status = $Status } | Out-Null
        Get-SutroJobResultLink job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "ResultsLinkUnsupported,$command"
        $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $err[0].Exception.Message | Should -BeExactly ("This Sutro deployment gives no results links (GET jobs/{id}/results-url " +
            "answered $Status for job 'job_12345'). Save the results with Export-SutroJobResult -JobId job_12345 " +
            '-Path <folder> instead, or read them with Get-SutroJobResult.')
        $expected = if ($Status -eq 404) { @('/v1/jobs/job_12345/results-url', '/v1/job-status/job_12345') } else { @('/v1/jobs/job_12345/results-url') }
        (Get-MockRequest $server).path | Should -Be $expected
    }

    It 'is JobNotFound, not ResultsLinkUnsupported, for an unknown job where the route is missing' {
        Invoke-MockControl $server 'routes' -Body @{ missing = 'results-url' } | Out-Null
        Get-SutroJobResultLink nope_404 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JobNotFound,$command"
    }

    It 'is InvalidApiResponse for an answer without a usable link' {
        Add-MockFault @{ path_end = '/results-url'; status = 200; content_type = 'application/json'
            body = '{"artifact": {"size_bytes": 5}, "urls": {"get": "ftp://storage.example.com/x"}}' }
        Get-SutroJobResultLink job_12345 @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "InvalidApiResponse,$command"
        $err[0].Exception.Message | Should -BeExactly ("The results-url answer for job 'job_12345' holds no usable link " +
            '(urls.get, an http(s) URL) and size (artifact.size_bytes). Save the results with Export-SutroJobResult instead.')
    }
}

Describe 'The mock results-url route made missing' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'answers 404 {"detail": "Not Found"} for every job until reset, and Export-SutroJobResult falls back' {
        (Invoke-MockControl $server 'routes' -Body @{ missing = 'results-url' }).missing | Should -BeExactly 'results-url'
        $folder = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'fallback') -Force).FullName
        $file = Export-SutroJobResult job_12345 -Path $folder -PassThru @common
        # The served data pages, byte for byte (Export records the job id in the footer only).
        $saved = [IO.File]::ReadAllBytes($file.FullName); $served = [IO.File]::ReadAllBytes($fixture)
        $data = $served.Length - 8 - [BitConverter]::ToInt32($served, $served.Length - 8)
        [Convert]::ToHexString($saved, 0, $data) | Should -BeExactly ([Convert]::ToHexString($served, 0, $data))
        @(Import-SutroJobResult -LiteralPath $file.FullName).Count | Should -Be 5
        $log = @(Get-MockRequest $server)
        $log.path | Should -Be @('/v1/jobs/job_12345/results-url', '/v1/jobs/job_12345/results')
        $log[0].status | Should -Be 404
        $log[0].body | Should -BeNullOrEmpty

        $answer = Invoke-WebRequest -Uri "$($server.Url)/v1/jobs/nope/results-url" -Headers @{ Authorization = "Key $($server.Key)" } -SkipHttpErrorCheck
        $answer.StatusCode | Should -Be 404
        $answer.Content | Should -BeExactly '{"detail":"Not Found"}'

        Invoke-MockControl $server 'reset' | Out-Null
        (Get-SutroJobResultLink job_12345 @common).SizeBytes | Should -Be 1922
    }

    It 'refuses a route it does not know, or a status other than 404, 405 and 501' -ForEach @(
        @{ Body = @{ missing = 'list-jobs' } }, @{ Body = @{ missing = 'results-url'; status = 500 } }
    ) {
        $answer = Invoke-WebRequest -Uri "$($server.Url)/_mock/routes" -Method Post -ContentType 'application/json' `
            -Body ($Body | ConvertTo-Json -Compress) -SkipHttpErrorCheck
        $answer.StatusCode | Should -Be 400
        $answer.Content | Should -BeLike '*Invalid route switch*'
    }
}
