# Export-SutroJobResult against the mock Sutro server over loopback: files byte for byte, never half-written, resumable.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
    $script:nastyJob = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'

    # One object a request (Invoke-RestMethod writes a JSON array as one object).
    function Get-MockRequests { $log = Invoke-MockControl $server 'requests' -Method Get; $log }

    function Add-MockFault([hashtable]$Fault) { Invoke-MockControl $server 'faults' -Body $Fault | Out-Null }

    function Get-Sha256([string]$Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }

    # The SHA-256 of what the server sent, in a file Export-SutroJobResult saved or in a served file: Export records
    # the job id in the Parquet footer and as a first "job_id" member of a JSON object, so a Parquet file counts
    # without its footer, and a JSON file without that member. Every other byte must be the server's.
    function Get-ServedSha256([string]$Path) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $start = 0; $count = $bytes.Length
        if ($Path -like '*.parquet') {
            $count = $bytes.Length - 8 - [BitConverter]::ToInt32($bytes, $bytes.Length - 8)
        }
        elseif ($Path -like '*.json') {
            $head = [Text.Encoding]::UTF8.GetString($bytes, 0, [Math]::Min(512, $bytes.Length))
            if ($head -match '^\{"job_id":"[^"\\]*",?') { $start = $Matches[0].Length - 1; $count = $bytes.Length - $start }
        }
        $copy = [byte[]]::new($count)
        [Array]::Copy($bytes, $start, $copy, 0, $count)
        if ($start -gt 0) { $copy[0] = [byte][char]'{' }
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($copy))
    }

    function Get-Sha256OfBytes([byte[]]$Bytes) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)) }

    function Get-ZipEntryBytes([string]$Path) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $zip.Entries.Count | Should -Be 1
            $stream = $zip.Entries[0].Open(); $copy = [IO.MemoryStream]::new()
            $stream.CopyTo($copy); $stream.Dispose()
            , $copy.ToArray()
        }
        finally { $zip.Dispose() }
    }

    function New-TestFolder([string]$Name) { (New-Item -ItemType Directory -Path (Join-Path $TestDrive $Name) -Force).FullName }

    # Every name in a folder, hidden temporary files included.
    function Get-FolderNames([string]$Path) { @(Get-ChildItem -LiteralPath $Path -Force | ForEach-Object Name | Sort-Object) }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Export-SutroJobResult' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    Context 'each format, byte for byte what the server served' {
        It '<Job>: .parquet, .json and .zip are the served files, .csv is the zip''s entry' -ForEach @(
            @{ Job = 'job_12345'; Stem = 'small'; Parquet = 'small.polars.zstd.parquet' }
            @{ Job = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f'; Stem = 'nasty'; Parquet = 'nasty.polars.zstd.parquet' }
            @{ Job = 'job_structured_001'; Stem = 'structured'; Parquet = 'structured.polars.zstd.parquet' }
            @{ Job = 'job_reasoning_obj'; Stem = 'reasoning_obj'; Parquet = 'reasoning_obj.polars.zstd.parquet' }
            @{ Job = 'job_outputs_only'; Stem = 'outputs_only'; Parquet = 'outputs_only.duckdb.zstd.jobcol.parquet' }
        ) {
            $dir = New-TestFolder "formats-$Stem"
            Export-SutroJobResult $Job $dir @common
            Export-SutroJobResult $Job $dir -Format Json @common
            Export-SutroJobResult $Job $dir -Format Csv @common
            Export-SutroJobResult $Job (Join-Path $dir "$Stem.zip") @common

            Get-FolderNames $dir | Should -Be (@("$Job.csv", "$Job.json", "$Job.parquet", "$Stem.zip") | Sort-Object)
            Get-ServedSha256 (Join-Path $dir "$Job.parquet") | Should -Be (Get-ServedSha256 (Get-FixturePath $Parquet))
            Get-ServedSha256 (Join-Path $dir "$Job.json") | Should -Be (Get-ServedSha256 (Get-FixturePath "$Stem.json"))
            Get-ServedSha256 (Join-Path $dir "$Stem.zip") | Should -Be (Get-ServedSha256 (Get-FixturePath "$Stem.csv.zip"))
            $entry = Get-ZipEntryBytes (Get-FixturePath "$Stem.csv.zip")
            (Get-Item (Join-Path $dir "$Job.csv")).Length | Should -Be $entry.Length
            Get-Sha256 (Join-Path $dir "$Job.csv") | Should -Be (Get-Sha256OfBytes $entry)
        }

        It 'a generated job''s files equal what the results endpoint serves to a plain client' {
            $dir = New-TestFolder 'generated'
            $headers = @{ Authorization = "Key $($server.Key)" }
            foreach ($format in 'Json', 'Csv', 'Parquet') {
                $name = "served.$($format.ToLower())"
                Invoke-WebRequest "$($server.Url)/v1/jobs/job_same_001/results?format=$($format.ToLower())&include_inputs=true&include_cumulative_logprobs=true" -Headers $headers -OutFile (Join-Path $dir $name)
            }
            Export-SutroJobResult job_same_001 (Join-Path $dir 'mine.json') -IncludeInput -IncludeCumulativeLogprob @common
            Export-SutroJobResult job_same_001 (Join-Path $dir 'mine.zip') -IncludeInput -IncludeCumulativeLogprob @common
            Export-SutroJobResult job_same_001 (Join-Path $dir 'mine.csv') -IncludeInput -IncludeCumulativeLogprob @common
            Export-SutroJobResult job_same_001 (Join-Path $dir 'mine.parquet') -IncludeInput -IncludeCumulativeLogprob @common
            Get-ServedSha256 (Join-Path $dir 'mine.json') | Should -Be (Get-ServedSha256 (Join-Path $dir 'served.json'))
            Get-ServedSha256 (Join-Path $dir 'mine.zip') | Should -Be (Get-ServedSha256 (Join-Path $dir 'served.csv'))
            Get-Sha256 (Join-Path $dir 'mine.csv') | Should -Be (Get-Sha256OfBytes (Get-ZipEntryBytes (Join-Path $dir 'served.csv')))
            Get-ServedSha256 (Join-Path $dir 'mine.parquet') | Should -Be (Get-ServedSha256 (Join-Path $dir 'served.parquet'))
        }

        It 'sends the format and include flags, and the key only to the API' {
            $dir = New-TestFolder 'flags'
            Export-SutroJobResult job_12345 (Join-Path $dir 'r.csv') -IncludeInput @common
            Export-SutroJobResult job_12345 (Join-Path $dir 'r.parquet') -IncludeCumulativeLogprob @common
            $log = Get-MockRequests
            $csv = @($log | Where-Object path -like '*/jobs/job_12345/results')
            $csv.Count | Should -Be 1
            $csv[0].query | Should -Match 'result_format=csv'
            $csv[0].query | Should -Match '(^|&)format=csv'
            $csv[0].query | Should -Match 'include_inputs=true'
            $csv[0].query | Should -Match 'include_cumulative_logprobs=false'
            $url = @($log | Where-Object path -like '*/jobs/job_12345/results-url')
            $url.Count | Should -Be 1
            $url[0].query | Should -Match '(^|&)format=parquet'
            $url[0].query | Should -Match 'include_inputs=false'
            $url[0].query | Should -Match 'include_cumulative_logprobs=true'
            $url[0].authorization | Should -BeExactly "Key $($server.Key)"
            $storage = @($log | Where-Object origin -EQ 'storage')
            $storage.Count | Should -Be 1
            $storage[0].authorization | Should -BeNullOrEmpty
            $storage[0].range | Should -BeNullOrEmpty
        }

        It 'falls back to the results endpoint when the server has no results-url (<Status>)' -ForEach @(
            @{ Status = 404 }, @{ Status = 405 }, @{ Status = 501 }
        ) {
            Add-MockFault @{ path = 'results-url'; status = $Status; body = '{"detail":"Not Found"}' }
            $file = Join-Path (New-TestFolder "fallback-$Status") 'r.parquet'
            Export-SutroJobResult job_12345 $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 (Get-FixturePath 'small.polars.zstd.parquet'))
            $log = Get-MockRequests
            $plain = @($log | Where-Object path -like '*/jobs/job_12345/results')
            $plain.Count | Should -Be 1
            $plain[0].query | Should -Match 'result_format=parquet'
            @($log | Where-Object origin -EQ 'storage').Count | Should -Be 0
        }

        It 'reports an unknown job as JobNotFound and an unfinished one as JobNotComplete, writing nothing' {
            $dir = New-TestFolder 'errors'
            Export-SutroJobResult 'job_nope', 'job_running_001', 'job_12345' $dir @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 2
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFound,*'
            $err[0].TargetObject | Should -Be 'job_nope'
            $err[1].FullyQualifiedErrorId | Should -BeLike 'JobNotComplete,*'
            $err[1].TargetObject | Should -Be 'job_running_001'
            Get-FolderNames $dir | Should -Be @('job_12345.parquet')
        }

        It 'a wrong key is AuthenticationFailed and appears nowhere' {
            $dir = New-TestFolder 'wrong-key'
            $bad = 'sk_wrong_key_do_not_print'
            # A refused key ends the command: a terminating error, caught here with the verbose text before it.
            $out = & { try { Export-SutroJobResult job_12345 $dir -ApiUrl $server.Url -ApiKey $bad -Verbose 4>&1 } catch { $_ } }
            $err = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Sutro.Commands.ExportSutroJobResultCommand'
            (($out | Out-String) + ($err | Out-String)) | Should -Not -Match $bad
            Get-FolderNames $dir | Should -Be @()
        }
    }

    Context 'where the file goes' {
        It 'saves several jobs into a folder, one file a job named after it, from arguments and from the pipeline' {
            $dir = New-TestFolder 'several'
            Export-SutroJobResult job_12345, job_outputs_only $dir -Format Json @common
            [pscustomobject]@{ job_id = 'job_structured_001' }, [pscustomobject]@{ Id = 'job_reasoning_obj' } |
                Export-SutroJobResult -Path $dir -Format Json @common
            Get-FolderNames $dir | Should -Be @('job_12345.json', 'job_outputs_only.json', 'job_reasoning_obj.json', 'job_structured_001.json')
            Get-ServedSha256 (Join-Path $dir 'job_reasoning_obj.json') | Should -Be (Get-ServedSha256 (Get-FixturePath 'reasoning_obj.json'))
        }

        It 'refuses several jobs for one file, writing nothing' {
            $dir = New-TestFolder 'several-one-file'
            Export-SutroJobResult job_12345, job_outputs_only (Join-Path $dir 'r.json') @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 2
            $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'FolderRequired,*' }
            $err[1].TargetObject | Should -Be 'job_outputs_only'
            Get-FolderNames $dir | Should -Be @()
            @(Get-MockRequests).Count | Should -Be 0
        }

        It 'resolves paths as PowerShell does: relative to the current location, and on a PSDrive' {
            $dir = New-TestFolder 'relative'
            Push-Location $dir
            try {
                Export-SutroJobResult job_12345 -Format Json @common
                Export-SutroJobResult job_12345 'sub.json' @common
            }
            finally { Pop-Location }
            $null = New-PSDrive -Name SutroOut -PSProvider FileSystem -Root $dir
            try { Export-SutroJobResult job_12345 'SutroOut:\drive.zip' @common }
            finally { Remove-PSDrive SutroOut }
            Get-FolderNames $dir | Should -Be @('drive.zip', 'job_12345.json', 'sub.json')
        }

        It 'takes -LiteralPath as written (wildcard characters in the name)' {
            $dir = New-TestFolder 'literal'
            Export-SutroJobResult job_12345 -LiteralPath (Join-Path $dir 'r[1].json') @common
            Get-FolderNames $dir | Should -Be @('r[1].json')
        }

        It 'a -Path with wildcards writes to the one existing file it matches, as Out-File does' {
            $dir = New-TestFolder 'wildcard-one'
            Set-Content -LiteralPath (Join-Path $dir 'results-old.json') -Value 'old'
            Export-SutroJobResult job_12345 (Join-Path $dir 'res*.json') -Force @common
            Get-FolderNames $dir | Should -Be @('results-old.json')
            Get-ServedSha256 (Join-Path $dir 'results-old.json') | Should -Be (Get-ServedSha256 (Get-FixturePath 'small.json'))
        }

        It 'refuses a -Path whose wildcards match <What>, before any request, and creates no file' -ForEach @(
            @{ What = 'nothing'; Pattern = 'res*.parquet'; Existing = @(); Message = '*matches no file or folder*-LiteralPath*' }
            @{ What = 'nothing but the literal name'; Pattern = 'out[1].parquet'; Existing = @('out[1].parquet'); Message = '*matches no file or folder*' }
            @{ What = 'two files'; Pattern = 'r?.json'; Existing = @('r1.json', 'r2.json'); Message = '*matches 2 items*' }
        ) {
            $dir = New-TestFolder "wildcard-$($What -replace '\W', '-')"
            foreach ($name in $Existing) { Set-Content -LiteralPath (Join-Path $dir $name) -Value 'old' }
            $err = $null
            try { Export-SutroJobResult job_12345 -Path (Join-Path $dir $Pattern) -Force @common } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeExactly 'PathNotResolved,Sutro.Commands.ExportSutroJobResultCommand'
            $err.Exception.Message | Should -BeLike $Message
            Get-FolderNames $dir | Should -Be @($Existing | Sort-Object)
            foreach ($name in $Existing) { Get-Content -LiteralPath (Join-Path $dir $name) -Raw | Should -BeExactly "old$([Environment]::NewLine)" }
            @(Get-MockRequests).Count | Should -Be 0
        }

        It 'writes the FileInfo with -PassThru' {
            $dir = New-TestFolder 'passthru'
            $file = Export-SutroJobResult job_12345 $dir -Format Csv -PassThru @common
            $file | Should -BeOfType [IO.FileInfo]
            $file.FullName | Should -Be (Join-Path $dir 'job_12345.csv')
            $file.Length | Should -Be 473
            Export-SutroJobResult job_outputs_only $dir @common | Should -BeNullOrEmpty
        }

        It 'refuses <Why> before any request' -ForEach @(
            @{ Why = 'a -Format that contradicts the extension'; Path = 'r.json'; Format = 'Csv'; Id = 'FormatMismatch' }
            @{ Why = 'an extension that names no results file'; Path = 'r.txt'; Format = $null; Id = 'UnknownFileExtension' }
            @{ Why = 'a folder that does not exist'; Path = 'missing/r.json'; Format = $null; Id = 'OutputFolderNotFound' }
            @{ Why = 'a missing folder written with a trailing separator'; Path = 'missing/'; Format = $null; Id = 'OutputFolderNotFound' }
        ) {
            $dir = New-TestFolder 'refused'
            $params = @{ Path = (Join-Path $dir $Path) }
            if ($Format) { $params.Format = $Format }
            { Export-SutroJobResult job_12345 @params @common } | Should -Throw -ErrorId "$Id,*"
            Get-FolderNames $dir | Should -Be @()
            @(Get-MockRequests).Count | Should -Be 0
        }

        It 'refuses a path outside the file system' {
            { Export-SutroJobResult job_12345 'Env:\SUTRO_RESULTS' @common } | Should -Throw -ErrorId 'PathNotFileSystem,*'
        }

        It 'refuses -Force with -NoClobber' {
            { Export-SutroJobResult job_12345 (Join-Path $TestDrive 'x.json') -Force -NoClobber @common } | Should -Throw -ErrorId 'ForceWithNoClobber,*'
        }

        It 'refuses a job id that is not a file name when saving into a folder' {
            $dir = New-TestFolder 'bad-id'
            Export-SutroJobResult '../escape' $dir @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'JobIdNotAFileName,*'
            $err[0].TargetObject | Should -Be '../escape'
            Test-Path (Join-Path $TestDrive 'escape.parquet') | Should -BeFalse
            @(Get-MockRequests).Count | Should -Be 0
        }
    }

    Context 'never a half-written file' {
        It 'keeps an existing file without -Force (OutputFileExists), also with -NoClobber, and sends no download' {
            $dir = New-TestFolder 'exists'
            $file = Join-Path $dir 'job_12345.json'
            Set-Content -LiteralPath $file -Value 'precious' -NoNewline
            Export-SutroJobResult job_12345 $dir -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue
            Export-SutroJobResult job_12345 $file -NoClobber @common -ErrorVariable +err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 2
            $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputFileExists,*'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $err[0].TargetObject | Should -Be $file
            $err[1].FullyQualifiedErrorId | Should -BeLike 'OutputFileExists,*'
            Get-Content -LiteralPath $file -Raw | Should -BeExactly 'precious'
            Get-FolderNames $dir | Should -Be @('job_12345.json')
            @(Get-MockRequests).Count | Should -Be 0
        }

        It 'replaces an existing file with -Force' {
            $dir = New-TestFolder 'force'
            $file = Join-Path $dir 'r.json'
            Set-Content -LiteralPath $file -Value 'old'
            Export-SutroJobResult job_12345 $file -Force @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 (Get-FixturePath 'small.json'))
            Get-FolderNames $dir | Should -Be @('r.json')
        }

        It '-WhatIf writes nothing and sends nothing' {
            $dir = New-TestFolder 'whatif'
            Export-SutroJobResult job_12345, job_outputs_only $dir -WhatIf @common
            Export-SutroJobResult job_12345 (Join-Path $dir 'r.csv') -WhatIf @common
            Get-FolderNames $dir | Should -Be @()
            @(Get-MockRequests).Count | Should -Be 0
        }

        It 'a <Format> download cut in the middle leaves the old file and no temporary file' -ForEach @(
            @{ Format = 'Json'; Name = 'r.json'; Fault = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results' }
            @{ Format = 'Csv'; Name = 'r.csv'; Fault = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results' }
            @{ Format = 'Zip'; Name = 'r.zip'; Fault = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results' }
        ) {
            $dir = New-TestFolder "cut-$Format"
            $file = Join-Path $dir $Name
            Set-Content -LiteralPath $file -Value 'old bytes' -NoNewline
            Add-MockFault @{ path = $Fault; cut_after_bytes = 2000 }
            # Retries off: a retry would download the file again and succeed.
            Export-SutroJobResult $nastyJob $file -Force -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadInterrupted,*'
            $err[0].TargetObject | Should -Be $nastyJob
            Get-Content -LiteralPath $file -Raw | Should -BeExactly 'old bytes'
            Get-FolderNames $dir | Should -Be @($Name)
        }

        It 'does not save <What>' -ForEach @(
            @{ What = 'an HTML page served as JSON'; Format = 'json'; Name = 'r.json'; Text = '<html><title>502 Bad Gateway</title></html>' }
            @{ What = 'a body that is not a ZIP as .zip'; Format = 'csv'; Name = 'r.zip'; Text = 'outputs\nnot zipped\n' }
            @{ What = 'a body that is not a ZIP as .csv'; Format = 'csv'; Name = 'r.csv'; Text = 'outputs\nnot zipped\n' }
            @{ What = 'a truncated Parquet file'; Format = 'parquet'; Name = 'r.parquet'; Text = 'PAR1 and then nothing' }
        ) {
            Invoke-MockControl $server 'jobs' -Body @{
                job_id = 'job_bad_body'; rows = @(@{ output = 'o' })
                results_body_base64 = @{ $Format = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }
            } | Out-Null
            $dir = New-TestFolder "bad-$Name"
            Export-SutroJobResult job_bad_body (Join-Path $dir $Name) @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
            $err[0].TargetObject | Should -Be 'job_bad_body'
            Get-FolderNames $dir | Should -Be @()
        }

        It 'does not save the CSV of a ZIP whose checksum is wrong' {
            $ms = [IO.MemoryStream]::new()
            $zip = [IO.Compression.ZipArchive]::new($ms, 'Create', $true)
            $s = $zip.CreateEntry('job_crc.csv', 'NoCompression').Open()
            $b = [Text.Encoding]::UTF8.GetBytes("job_crc`nhello world`n"); $s.Write($b, 0, $b.Length); $s.Dispose(); $zip.Dispose()
            $bytes = $ms.ToArray()
            $at = [Text.Encoding]::ASCII.GetString($bytes).IndexOf('hello')
            $bytes[$at] = [byte][char]'j'
            Invoke-MockControl $server 'jobs' -Body @{ job_id = 'job_crc'; rows = @(@{ output = 'o' }); results_body_base64 = @{ csv = [Convert]::ToBase64String($bytes) } } | Out-Null
            $dir = New-TestFolder 'crc'
            Export-SutroJobResult job_crc (Join-Path $dir 'r.csv') @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
            $err[0].Exception.Message | Should -Match 'checksum'
            Get-FolderNames $dir | Should -Be @()
        }

        It 'a <Format> download stopped by the user (Ctrl+C) leaves the old file; only a Parquet download keeps its resumable bytes' -ForEach @(
            @{ Format = 'Json'; Name = 'r.json'; Fault = 'jobs/job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f/results'; Left = @('r.json') }
            @{ Format = 'Parquet'; Name = 'r.parquet'; Fault = '/artifact/'; Left = @('r.parquet', 'r.parquet.sutro-partial', 'r.parquet.sutro-partial.json') }
        ) {
            $dir = New-TestFolder "stopped-$Format"
            $file = Join-Path $dir $Name
            Set-Content -LiteralPath $file -Value 'old bytes' -NoNewline
            Add-MockFault @{ path = $Fault; stall_after_bytes = 3000 }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($Module, $Url, $Key, $Job, $Path)
                        Import-Module $Module
                        $ProgressPreference = 'SilentlyContinue'
                        Export-SutroJobResult $Job -LiteralPath $Path -Force -ApiUrl $Url -ApiKey $Key
                    }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key).AddArgument($nastyJob).AddArgument($file)
                $async = $ps.BeginInvoke()
                # Wait until the stalled download has written its first bytes, then stop it as Ctrl+C does.
                $started = $false
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not $started -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 50
                    $started = [bool](Get-ChildItem -LiteralPath $dir -Force | Where-Object { $_.Name -ne $Name -and $_.Name -notlike '*.json' -and $_.Length -eq 3000 })
                }
                $started | Should -BeTrue -Because 'the download wrote its first 3000 bytes before it was stopped'
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            }
            finally { $ps.Dispose() }
            Get-Content -LiteralPath $file -Raw | Should -BeExactly 'old bytes'
            Get-FolderNames $dir | Should -Be $Left
        }
    }

    Context 'resuming a big Parquet download' {
        BeforeEach {
            $script:dir = New-TestFolder "resume-$([guid]::NewGuid().ToString('N'))"
            $script:file = Join-Path $dir 'nasty.parquet'
            $script:fixture = Get-FixturePath 'nasty.polars.zstd.parquet'
        }

        It 'a cut download leaves the target untouched; the next run resumes it with Range and If-Range' {
            Set-Content -LiteralPath $file -Value 'old bytes' -NoNewline
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            # Retries off, so this run ends with the cut (with retries it resumes at once: see below).
            $first = Export-SutroJobResult $nastyJob $file -Force -MaxRetryCount 0 -Verbose @common -ErrorVariable err -ErrorAction SilentlyContinue 4>&1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadInterrupted,*'
            $err[0].Exception.Message | Should -Match 'run the same command again to resume'
            Get-Content -LiteralPath $file -Raw | Should -BeExactly 'old bytes'
            Get-FolderNames $dir | Should -Be @('nasty.parquet', 'nasty.parquet.sutro-partial', 'nasty.parquet.sutro-partial.json')
            $have = (Get-Item -LiteralPath "$file.sutro-partial").Length
            $have | Should -BeGreaterThan 0
            $have | Should -BeLessOrEqual 3000
            $state = Get-Content -LiteralPath "$file.sutro-partial.json" -Raw
            $state | Should -Not -Match 'artifact|http'
            ($state | ConvertFrom-Json).size_bytes | Should -Be (Get-Item $fixture).Length
            $etag = ($state | ConvertFrom-Json).etag

            $second = Export-SutroJobResult $nastyJob $file -Force -Verbose @common 4>&1
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            Get-FolderNames $dir | Should -Be @('nasty.parquet')

            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage.Count | Should -Be 2
            $storage[0].range | Should -BeNullOrEmpty
            $storage[1].range | Should -BeExactly "bytes=$have-"
            $storage[1].if_range | Should -BeExactly $etag
            $storage[1].status | Should -Be 206
            $storage | ForEach-Object { $_.authorization | Should -BeNullOrEmpty }
            # The pre-signed link is never shown.
            (($first + $second + $err) | Out-String) | Should -Not -Match '/artifact/'
        }

        It 'a download cut in the middle is resumed within the same run (Range from the bytes it kept)' {
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            Export-SutroJobResult $nastyJob $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            Get-FolderNames $dir | Should -Be @('nasty.parquet')
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage.Count | Should -Be 2
            $storage[0].range | Should -BeNullOrEmpty
            $storage[1].range | Should -Match '^bytes=[1-9]\d*-$'
            $storage[1].status | Should -Be 206
        }

        It 'a 200 answer to the Range request restarts from zero, cleanly' {
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            Export-SutroJobResult $nastyJob $file -MaxRetryCount 0 @common -ErrorAction SilentlyContinue
            Test-Path -LiteralPath "$file.sutro-partial" | Should -BeTrue
            Test-Path -LiteralPath $file | Should -BeFalse
            Add-MockFault @{ path = '/artifact/'; ignore_range = $true }
            Export-SutroJobResult $nastyJob $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            Get-FolderNames $dir | Should -Be @('nasty.parquet')
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage[1].range | Should -Match '^bytes=\d+-$'
            $storage[1].status | Should -Be 200
        }

        It 'a changed ETag (If-Range no longer matches) restarts from zero' {
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            Export-SutroJobResult $nastyJob $file -MaxRetryCount 0 @common -ErrorAction SilentlyContinue
            $state = Get-Content -LiteralPath "$file.sutro-partial.json" -Raw | ConvertFrom-Json
            $state.etag = '"an-older-version"'
            $state | ConvertTo-Json | Set-Content -LiteralPath "$file.sutro-partial.json"
            Export-SutroJobResult $nastyJob $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage[1].if_range | Should -BeExactly '"an-older-version"'
            $storage[1].status | Should -Be 200
            Get-FolderNames $dir | Should -Be @('nasty.parquet')
        }

        It 'does not resume the bytes of another request (other include flags)' {
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            Export-SutroJobResult $nastyJob $file -MaxRetryCount 0 @common -ErrorAction SilentlyContinue
            Export-SutroJobResult $nastyJob $file -IncludeInput @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage[1].range | Should -BeNullOrEmpty
            Get-FolderNames $dir | Should -Be @('nasty.parquet')
        }

        It 'a job whose results are files on disk is saved, and resumed, to the file''s exact bytes' {
            Invoke-MockControl $server 'jobs' -Body @{
                job_id = 'job_on_disk'; num_rows = 27; results_files = @{ parquet = $fixture }
            } | Out-Null
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 3000 }
            Export-SutroJobResult job_on_disk $file -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadInterrupted,*'
            Export-SutroJobResult job_on_disk $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage[1].range | Should -Match '^bytes=[1-9]\d*-$'
            $storage[1].status | Should -Be 206
        }

        It 'a second export of the same file fails at once (ExportInProgress) and leaves the first run''s download alone' {
            Add-MockFault @{ path = '/artifact/'; stall_after_bytes = 3000 }
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript({
                        param($Module, $Url, $Key, $Job, $Path)
                        Import-Module $Module
                        $ProgressPreference = 'SilentlyContinue'
                        Export-SutroJobResult $Job -LiteralPath $Path -MaxRetryCount 0 -ApiUrl $Url -ApiKey $Key
                    }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key).AddArgument($nastyJob).AddArgument($file)
                $null = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not (Test-Path -LiteralPath "$file.sutro-partial") -or (Get-Item -LiteralPath "$file.sutro-partial").Length -lt 3000) {
                    [DateTime]::UtcNow | Should -BeLessThan $deadline -Because 'the first run writes its first 3000 bytes'
                    Start-Sleep -Milliseconds 50
                }

                Export-SutroJobResult $nastyJob $file @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err.Count | Should -Be 1
                $err[0].FullyQualifiedErrorId | Should -BeExactly 'ExportInProgress,Sutro.Commands.ExportSutroJobResultCommand'
                $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
                $err[0].Exception.Message | Should -BeLike "Another export of this file is running: '$file'*"
                $ps.InvocationStateInfo.State | Should -Be 'Running' -Because 'the second run did not wait for the first'
                (Get-Item -LiteralPath "$file.sutro-partial").Length | Should -Be 3000
                Test-Path -LiteralPath "$file.sutro-partial.json" | Should -BeTrue
                $ps.Stop()
            }
            finally { $ps.Dispose() }

            Get-FolderNames $dir | Should -Be @('nasty.parquet.sutro-partial', 'nasty.parquet.sutro-partial.json')
            Export-SutroJobResult $nastyJob $file @common
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $fixture)
            Get-FolderNames $dir | Should -Be @('nasty.parquet')
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage.Count | Should -Be 2 -Because 'the refused run asked the storage for nothing'
            $storage[1].range | Should -BeExactly 'bytes=3000-'
            $storage[1].status | Should -Be 206
        }

        It 'a big generated job resumes to the exact bytes the storage holds' {
            Add-MockFault @{ path = '/artifact/'; cut_after_bytes = 1000000 }
            Export-SutroJobResult job_big_001 $file -MaxRetryCount 0 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DownloadInterrupted,*'
            Export-SutroJobResult job_big_001 $file @common
            $headers = @{ Authorization = "Key $($server.Key)" }
            $plain = Join-Path $dir 'plain.parquet'
            Invoke-WebRequest "$($server.Url)/v1/jobs/job_big_001/results?format=parquet" -Headers $headers -OutFile $plain
            Get-ServedSha256 $file | Should -Be (Get-ServedSha256 $plain)
            $storage = @(Get-MockRequests | Where-Object origin -EQ 'storage')
            $storage[1].range | Should -Match '^bytes=[1-9]\d*-$'
            $storage[1].status | Should -Be 206
        }
    }
}

Describe 'Export-SutroJobResult where the deployment has no GET results route' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        Add-MockFault @{ path_end = '/results-url'; times = -1; status = 404; body = '{"detail": "Not Found"}' }
        Add-MockFault @{ path_end = 'jobs/job_12345/results'; method = 'GET'; times = -1; status = $Status; body = '{"detail": "Not Found"}' }
    }

    It 'reads the results through POST job-results and saves what it sent as <job_id>.json in a folder (<Format>, <Status>)' -ForEach @(
        @{ Format = 'Parquet'; Status = 404 }, @{ Format = 'Csv'; Status = 405 }, @{ Format = 'Json'; Status = 501 }
    ) {
        $folder = New-TestFolder "post-$Format-$Status"
        $out = Export-SutroJobResult job_12345 -Path $folder -Format $Format -IncludeInput -IncludeCumulativeLogprob -PassThru @common -Verbose -WarningVariable warned 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $file = @($out | Where-Object { $_ -is [IO.FileInfo] })
        $file.Count | Should -Be 1
        $file[0].Name | Should -BeExactly 'job_12345.json'
        Get-FolderNames $folder | Should -Be @('job_12345.json')
        $verbose | Should -Match 'reading the results through POST job-results, as JSON\.'
        if ($Format -eq 'Json') { $warned.Count | Should -Be 0 }
        else {
            $verbose | Should -Match ([regex]::Escape('this deployment sends results only through POST job-results, as JSON; saved what it sent as ' + (Join-Path $folder 'job_12345.json') + '.'))
            @($warned).Count | Should -Be 1
            $warned[0].Message | Should -BeExactly ("Job job_12345: the deployment sent the results only as JSON, so they were saved as '" +
                (Join-Path $folder 'job_12345.json') + "', not '" + (Join-Path $folder "job_12345.$($Format.ToLower())") + "'. Import-SutroJobResult reads either.")
        }
        (Get-MockRequests | Where-Object method -eq 'POST').path | Should -Be @('/v1/job-results')
        # The saved file reads back as the same rows Get-SutroJobResult gives, job id included.
        $imported = @(Import-SutroJobResult -LiteralPath $file[0].FullName -Raw)
        ($imported | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
        $imported.JobId | Sort-Object -Unique | Should -BeExactly 'job_12345'
    }

    It 'refuses a .<Ext> file name with ResultsOnlyAsJson and writes nothing' -ForEach @(
        @{ Ext = 'parquet'; Status = 404 }, @{ Ext = 'csv'; Status = 405 }, @{ Ext = 'zip'; Status = 405 }
    ) {
        $folder = New-TestFolder "refused-$Ext"
        $target = Join-Path $folder "saved.$Ext"
        Export-SutroJobResult job_12345 -Path $target @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultsOnlyAsJson,Sutro.Commands.ExportSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ("This deployment has no GET jobs/{id}/results route, so the results of job job_12345 " +
            "come only as JSON (through POST job-results), not as the .$Ext file '$target' asks for. Nothing was saved. Save them to " +
            'a .json file, or give -Path a folder (the file is then job_12345.json).')
        Get-FolderNames $folder | Should -BeNullOrEmpty
    }

    It 'a .json file name gets the JSON the POST route sent (<Status>)' -ForEach @(@{ Status = 404 }, @{ Status = 405 }) {
        $target = Join-Path (New-TestFolder "json-$Status") 'r.json'
        Export-SutroJobResult job_12345 -Path $target @common
        $saved = Get-Content -LiteralPath $target -Raw | ConvertFrom-Json
        $saved.results.outputs.Count | Should -Be 5
        $saved.message | Should -BeExactly 'ok'
    }
}
