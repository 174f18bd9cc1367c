# The results cache Get-SutroJobResult shares with the Python SDK (~/.sutro/job-results/<job id>.snappy.parquet),
# Get-SutroCache and Clear-SutroCache, against the mock server, each test in a temporary home folder.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    # Start-SutroMockServer makes the suites skip the cache; this one tests it.
    $global:PSDefaultParameterValues.Remove('Get-SutroJobResult:NoCache')
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    # The SDK's name for a job's cache file, computed here on its own: ~/.sutro/job-results/{job_id}.snappy.parquet.
    function Get-SdkCachePath([string]$JobId) { [IO.Path]::Combine($env:HOME, '.sutro', 'job-results', "$JobId.snappy.parquet") }

    # Every property of every row, in order, as one text: the standard ones and the job's own columns.
    function ConvertTo-RowText { param([Parameter(ValueFromPipeline)]$Row) process { $Row | Select-Object * | ConvertTo-Json -Compress -Depth 5 } }

    function Get-ResultsRequest { @(Get-MockRequest $server | Where-Object path -Match '/results|/artifact/|job-results') }

    # The verbose text of a command, as strings.
    function Get-VerboseText([scriptblock]$Command) { @(& $Command 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) }
}

AfterAll {
    $global:PSDefaultParameterValues['Get-SutroJobResult:NoCache'] = $true
    Stop-SutroMockServer $server
}

Describe 'The results cache' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
        $script:folder = Join-Path $settings.Home '.sutro' 'job-results'
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    Context 'Get-SutroJobResult' {
        It 'writes the job''s file under the SDK''s name, and a second Get reads exactly the same rows from it with no request' {
            $first = Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common
            @(Get-ResultsRequest) | Should -HaveCount 2  # results-url, then the artifact
            @(Get-ChildItem -LiteralPath $folder -Force).FullName | Should -Be @(Get-SdkCachePath 'job_same_001')

            Invoke-MockControl $server 'reset' | Out-Null
            $second = Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common
            @(Get-MockRequest $server) | Should -HaveCount 0
            $second | Should -HaveCount 7
            ($second | ConvertTo-RowText) -join "`n" | Should -BeExactly (($first | ConvertTo-RowText) -join "`n")
            ($second | ConvertTo-CanonicalRows) | Should -BeExactly ($first | ConvertTo-CanonicalRows)
            $second[3].row_id, $second[3].confidence_score | Should -Be @('r4', 0.5)
            $second.JobId | Select-Object -Unique | Should -BeExactly 'job_same_001'
        }

        It 'caches nothing when the download''s pages do not decode (the footer alone is fine)' {
            $bytes = [IO.File]::ReadAllBytes((Get-FixturePath 'small.polars.zstd.parquet'))
            for ($i = 40; $i -lt 120; $i++) { $bytes[$i] = 0x5A }
            Invoke-MockControl $server 'jobs' -Body @{
                job_id = 'job_broken'; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 })
                results_body_base64 = @{ parquet = [Convert]::ToBase64String($bytes) }
            } | Out-Null
            Get-SutroJobResult job_broken @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.GetSutroJobResultCommand'
            Test-Path -LiteralPath (Get-SdkCachePath 'job_broken') | Should -BeFalse
            @(Get-SutroCache) | Should -HaveCount 0
        }

        It 'gives the same rows from the cache with <Switch> (<Job>)' -ForEach @(
            @{ Job = 'job_structured_gen'; Switch = 'ExpandOutput' }
            @{ Job = 'job_reasoning_gen'; Switch = 'Raw' }
            @{ Job = 'job_reasoning_gen'; Switch = 'ExpandOutput' }
        ) {
            $options = @{ $Switch = $true }
            $first = Get-SutroJobResult $Job @options @common -WarningAction SilentlyContinue
            Invoke-MockControl $server 'reset' | Out-Null
            $second = Get-SutroJobResult $Job @options @common -WarningAction SilentlyContinue
            @(Get-MockRequest $server) | Should -HaveCount 0
            $second.Count | Should -BeGreaterThan 0
            ($second | ConvertTo-RowText) -join "`n" | Should -BeExactly (($first | ConvertTo-RowText) -join "`n")
        }

        It 'says in verbose text when it wrote and when it read the cache, and never shows the key' {
            $wrote = Get-VerboseText { Get-SutroJobResult job_same_001 @common -Verbose }
            $read = Get-VerboseText { Get-SutroJobResult job_same_001 @common -Verbose }
            $path = Get-SdkCachePath 'job_same_001'
            $wrote | Should -Contain "Job job_same_001: the results were saved to the results cache, $path."
            $read | Should -Contain "Job job_same_001: rows read from the results cache, $path."
            ($wrote + $read) -join "`n" | Should -Not -Match ([regex]::Escape($server.Key))
            [IO.File]::ReadAllText($path) | Should -Not -Match ([regex]::Escape($server.Key))
        }

        It 'stores the columns asked for, the outputs column named inference_result as the SDK names it' {
            Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common | Out-Null
            (Get-SutroCache).Columns | Should -Be @('inputs', 'inference_result', 'cumulative_logprobs', 'row_id', 'confidence_score')
            Get-SutroJobResult job_demo_001 @common | Out-Null
            (Get-SutroCache job_demo_001).Columns | Should -Be @('inference_result')
        }

        It 'writes the file 0600 in a 0700 folder, leaving no temporary file' -Skip:$IsWindows {
            Get-SutroJobResult job_same_001 @common | Out-Null
            (Get-Item -LiteralPath (Get-SdkCachePath 'job_same_001')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item -LiteralPath $folder -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
            (Get-Item -LiteralPath (Split-Path $folder) -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('job_same_001.snappy.parquet')
        }

        It 'makes a cache folder open to others owner-only' -Skip:$IsWindows {
            New-Item -ItemType Directory -Path $folder -Force | Out-Null
            [IO.File]::SetUnixFileMode($folder, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
            Get-SutroJobResult job_same_001 @common | Out-Null
            (Get-Item -LiteralPath $folder -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }

        It 'serves a request for fewer columns from a file with more, leaving the rest out of the rows' {
            Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common | Out-Null
            Invoke-MockControl $server 'reset' | Out-Null
            $cached = Get-SutroJobResult job_same_001 @common
            @(Get-MockRequest $server) | Should -HaveCount 0
            $fresh = Get-SutroJobResult job_same_001 @common -NoCache
            $cached.Input | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
            $cached.CumulativeLogprob | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
            ($cached | ConvertTo-RowText) -join "`n" | Should -BeExactly (($fresh | ConvertTo-RowText) -join "`n")
        }

        It 'never serves a file without the inputs to -IncludeInput: it downloads them and replaces the file' {
            Get-SutroJobResult job_same_001 @common | Out-Null
            Invoke-MockControl $server 'reset' | Out-Null
            $text = Get-VerboseText { $script:rows = Get-SutroJobResult job_same_001 -IncludeInput @common -Verbose }
            $text | Should -Contain "Job job_same_001: the cached results $(Get-SdkCachePath 'job_same_001') have no inputs (-IncludeInput) column; they are downloaded again."
            (Get-ResultsRequest)[0].query | Should -Match 'include_inputs=true'
            $fresh = Get-SutroJobResult job_same_001 -IncludeInput @common -NoCache
            $rows[0].Input | Should -BeExactly 'What is 2+2?'
            ($rows | ConvertTo-RowText) -join "`n" | Should -BeExactly (($fresh | ConvertTo-RowText) -join "`n")
            (Get-SutroCache job_same_001).Columns | Should -Contain 'inputs'

            Invoke-MockControl $server 'reset' | Out-Null
            ((Get-SutroJobResult job_same_001 -IncludeInput @common) | ConvertTo-RowText) -join "`n" | Should -BeExactly (($fresh | ConvertTo-RowText) -join "`n")
            @(Get-MockRequest $server) | Should -HaveCount 0
        }

        It 'never serves a file without the logprobs to -IncludeCumulativeLogprob' {
            Get-SutroJobResult job_same_001 -IncludeInput @common | Out-Null
            Invoke-MockControl $server 'reset' | Out-Null
            $rows = Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common
            (Get-ResultsRequest)[0].query | Should -Match 'include_cumulative_logprobs=true'
            $rows[0..3].CumulativeLogprob | Should -Be @(-0.25, -1.5, -0.0001, -3.0625)
            $fresh = Get-SutroJobResult job_same_001 -IncludeInput -IncludeCumulativeLogprob @common -NoCache
            ($rows | ConvertTo-RowText) -join "`n" | Should -BeExactly (($fresh | ConvertTo-RowText) -join "`n")
        }

        It '-NoCache neither reads nor writes the file' {
            Get-SutroJobResult job_same_001 @common -NoCache | Out-Null
            Test-Path -LiteralPath $folder | Should -BeFalse

            Get-SutroJobResult job_same_001 @common | Out-Null
            $before = Get-FileHash -LiteralPath (Get-SdkCachePath 'job_same_001')
            $stamp = (Get-Item -LiteralPath (Get-SdkCachePath 'job_same_001')).LastWriteTimeUtc
            Invoke-MockControl $server 'reset' | Out-Null
            $rows = Get-SutroJobResult job_same_001 @common -NoCache
            @(Get-ResultsRequest) | Should -HaveCount 2
            $rows | Should -HaveCount 7
            (Get-FileHash -LiteralPath (Get-SdkCachePath 'job_same_001')).Hash | Should -Be $before.Hash
            (Get-Item -LiteralPath (Get-SdkCachePath 'job_same_001')).LastWriteTimeUtc | Should -Be $stamp
        }

        It '-Refresh downloads again and replaces the file' {
            Get-SutroJobResult job_same_001 @common | Out-Null
            $right = Get-FileHash -LiteralPath (Get-SdkCachePath 'job_same_001')
            $expected = (Get-SutroJobResult job_same_001 @common -NoCache | ConvertTo-RowText) -join "`n"
            # Another job's file under this job's name: what the cache holds is what a plain Get serves.
            Get-SutroJobResult job_demo_001 @common | Out-Null
            Copy-Item -LiteralPath (Get-SdkCachePath 'job_demo_001') -Destination (Get-SdkCachePath 'job_same_001') -Force
            (Get-SutroJobResult job_same_001 @common)[0].Output | Should -BeExactly (Get-SutroJobResult job_demo_001 @common)[0].Output

            Invoke-MockControl $server 'reset' | Out-Null
            $rows = Get-SutroJobResult job_same_001 @common -Refresh
            @(Get-ResultsRequest) | Should -HaveCount 2
            ($rows | ConvertTo-RowText) -join "`n" | Should -BeExactly $expected
            (Get-FileHash -LiteralPath (Get-SdkCachePath 'job_same_001')).Hash | Should -Be $right.Hash
            Invoke-MockControl $server 'reset' | Out-Null
            ((Get-SutroJobResult job_same_001 @common) | ConvertTo-RowText) -join "`n" | Should -BeExactly $expected
            @(Get-MockRequest $server) | Should -HaveCount 0
        }

        It 'downloads again over a damaged file, and replaces it' {
            Get-SutroJobResult job_same_001 @common | Out-Null
            $path = Get-SdkCachePath 'job_same_001'
            $right = (Get-FileHash -LiteralPath $path).Hash
            $bytes = [IO.File]::ReadAllBytes($path)
            [IO.File]::WriteAllBytes($path, $bytes[0..($bytes.Length - 20)])
            Invoke-MockControl $server 'reset' | Out-Null
            $text = Get-VerboseText { $script:rows = Get-SutroJobResult job_same_001 @common -Verbose }
            ($text -like "Job job_same_001: the cached results $path cannot be read (*") | Should -HaveCount 1
            @(Get-ResultsRequest) | Should -HaveCount 2
            $rows | Should -HaveCount 7
            (Get-FileHash -LiteralPath $path).Hash | Should -Be $right
        }

        It 'a cached file damaged inside a page is ResultDecodeFailed that names -Refresh, which mends it' {
            Get-SutroJobResult job_demo_001 @common | Out-Null
            $path = Get-SdkCachePath 'job_demo_001'
            $right = (Get-FileHash -LiteralPath $path).Hash
            $bytes = [IO.File]::ReadAllBytes($path)
            for ($i = 40; $i -lt 200; $i++) { $bytes[$i] = $bytes[$i] -bxor 0x5A }  # inside the first page, the footer intact
            [IO.File]::WriteAllBytes($path, $bytes)
            Invoke-MockControl $server 'reset' | Out-Null
            $rows = Get-SutroJobResult job_demo_001 @common -ErrorVariable failed -ErrorAction SilentlyContinue
            $rows | Should -BeNullOrEmpty
            @(Get-MockRequest $server) | Should -HaveCount 0
            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.GetSutroJobResultCommand'
            $failed[0].Exception.Message | Should -BeLike "The cached results of job 'job_demo_001' ($path) could not be read: *Run the command again with -Refresh to download them again."
            Get-SutroJobResult job_demo_001 @common -Refresh | Should -HaveCount 12
            (Get-FileHash -LiteralPath $path).Hash | Should -Be $right
        }

        It 'reads a file the SDK wrote (inference_result), and takes it as the SDK does for inputs and logprobs' {
            New-Item -ItemType Directory -Path $folder -Force | Out-Null
            $path = Get-SdkCachePath 'job_12345'
            Copy-Item -LiteralPath (Get-FixturePath 'inference.duckdb.parquet') -Destination $path
            (Get-SutroCache job_12345).Columns | Should -Be @('inputs', 'inference_result', 'row_id')
            $rows = Get-SutroJobResult job_12345 -IncludeInput @common
            @(Get-MockRequest $server) | Should -HaveCount 0
            $expected = (Import-SutroJobResult -LiteralPath (Get-FixturePath 'inference.duckdb.parquet') -JobId job_12345 | ConvertTo-RowText) -join "`n"
            ($rows | ConvertTo-RowText) -join "`n" | Should -BeExactly $expected
            $rows[0].Input, $rows[0].Output | Should -Be @('i0', 'r0')

            # It has no cumulative_logprobs: asking for them downloads the job's results, which replace the file.
            $rows = Get-SutroJobResult job_12345 -IncludeInput -IncludeCumulativeLogprob @common
            @(Get-ResultsRequest) | Should -HaveCount 2
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
            (Get-SutroCache job_12345).Columns | Should -Contain 'cumulative_logprobs'
        }

        It '-Format <Format> neither reads nor writes the cache' -ForEach @(@{ Format = 'Json' }, @{ Format = 'Csv' }) {
            Get-SutroJobResult job_same_001 @common -Format $Format | Out-Null
            Test-Path -LiteralPath $folder | Should -BeFalse
            Get-SutroJobResult job_same_001 @common | Out-Null
            Invoke-MockControl $server 'reset' | Out-Null
            Get-SutroJobResult job_same_001 @common -Format $Format | Should -HaveCount 7
            @(Get-ResultsRequest).Count | Should -BeGreaterThan 0
        }

        It 'a job id that cannot name a file is never cached' {
            Invoke-MockControl $server 'jobs' -Body @{ job_id = 'job a'; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 }) } | Out-Null
            $text = Get-VerboseText { Get-SutroJobResult 'job a' @common -Verbose -ErrorAction SilentlyContinue | Out-Null }
            $text | Should -Contain 'Job job a: the id cannot name a cache file, so the results cache is not used.'
            Test-Path -LiteralPath $folder | Should -BeFalse
        }

        It '-Wait has nothing to wait for when the cache holds the results' {
            Get-SutroJobResult job_same_001 @common | Out-Null
            Invoke-MockControl $server 'reset' | Out-Null
            Get-SutroJobResult job_same_001 -Wait @common | Should -HaveCount 7
            @(Get-MockRequest $server) | Should -HaveCount 0
        }

        It 'a cache that cannot be written is a warning; the rows are written all the same' {
            New-Item -ItemType Directory -Path (Split-Path $folder) -Force | Out-Null
            Set-Content -LiteralPath $folder -Value 'a file where the folder belongs'
            $rows = Get-SutroJobResult job_same_001 @common -WarningVariable warned -WarningAction SilentlyContinue
            $rows | Should -HaveCount 7
            $warned | Should -HaveCount 1
            "$($warned[0])" | Should -BeLike "Job job_same_001: the results could not be saved to the results cache $folder`: * The rows are written all the same; use -NoCache to skip the cache."
        }

        It '-NoCache with -Refresh is ParameterConflict' {
            { Get-SutroJobResult job_same_001 @common -NoCache -Refresh } | Should -Throw -ErrorId 'ParameterConflict,Sutro.Commands.GetSutroJobResultCommand'
        }
    }

    Context 'Get-SutroCache' {
        It 'lists each entry with its job, size and last write, and -Summary totals them' {
            Get-SutroCache | Should -BeNullOrEmpty
            Get-SutroJobResult job_same_001 @common | Out-Null
            Get-SutroJobResult job_demo_001 -IncludeInput @common | Out-Null
            Set-Content -LiteralPath (Join-Path $folder 'notes.txt') -Value 'not an entry'
            $entries = Get-SutroCache
            $entries.JobId | Should -Be @('job_demo_001', 'job_same_001')
            foreach ($e in $entries) {
                $file = Get-Item -LiteralPath (Get-SdkCachePath $e.JobId)
                $e.Name, $e.Path, $e.Bytes, $e.LastWriteTime | Should -Be @($file.Name, $file.FullName, $file.Length, $file.LastWriteTime)
            }
            (Get-SutroCache job_d*).JobId | Should -Be @('job_demo_001')
            $summary = Get-SutroCache -Summary
            $summary.Folder, $summary.Count, $summary.Bytes | Should -Be @($folder, 2, ($entries[0].Bytes + $entries[1].Bytes))
            (Get-SutroCache -JobId job_same_001 -Summary).Count | Should -Be 1
        }
    }

    Context 'The view of entries' {
        It 'is a table of JobId, Bytes, LastWriteTime and Columns' {
            Get-SutroJobResult job_same_001 -IncludeInput @common | Out-Null
            $file = Get-Item -LiteralPath (Get-SdkCachePath 'job_same_001')
            $rendering = $PSStyle.OutputRendering
            try {
                $PSStyle.OutputRendering = 'PlainText'
                $lines = @((Get-SutroCache | Out-String -Width 160) -split "`r?`n" | Where-Object { $_.Trim() } | ForEach-Object { $_.TrimEnd() })
            }
            finally { $PSStyle.OutputRendering = $rendering }
            $lines | Should -HaveCount 3
            $lines[0] | Should -BeExactly ('JobId'.PadRight(40) + ' ' + 'Bytes'.PadLeft(12) + ' ' + 'LastWriteTime'.PadRight(19) + ' Columns')
            $lines[2] | Should -BeExactly ('job_same_001'.PadRight(40) + ' ' + "$($file.Length)".PadLeft(12) + ' ' +
                $file.LastWriteTime.ToString('yyyy-MM-dd HH:mm:ss') + ' inputs, inference_result, row_id, confidence_score')
        }
    }

    Context 'Tab completion' {
        It 'offers the cached jobs for -JobId of <Command>' -ForEach @(@{ Command = 'Get-SutroCache' }, @{ Command = 'Clear-SutroCache' }) {
            Get-SutroJobResult job_same_001 @common | Out-Null
            Get-SutroJobResult job_demo_001 @common | Out-Null
            $line = "$Command -JobId job_s"
            $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            $found.CompletionText | Should -Be @('job_same_001')
            $found.ToolTip | Should -Be @("job_same_001 ($((Get-Item -LiteralPath (Get-SdkCachePath 'job_same_001')).Length) bytes)")
        }
    }

    Context 'Clear-SutroCache' {
        BeforeEach {
            Get-SutroJobResult job_same_001 @common | Out-Null
            Get-SutroJobResult job_demo_001 @common | Out-Null
            Set-Content -LiteralPath (Join-Path $folder 'notes.txt') -Value 'not an entry'
            $script:sizes = @{}
            Get-SutroCache | ForEach-Object { $sizes[$_.JobId] = $_.Bytes }
        }

        It '-WhatIf deletes nothing and writes nothing' {
            $before = @(Get-ChildItem -LiteralPath $folder -Force | ForEach-Object { "$($_.Name) $($_.Length)" })
            Clear-SutroCache -WhatIf | Should -BeNullOrEmpty
            Clear-SutroCache -JobId job_same_001 -WhatIf | Should -BeNullOrEmpty
            @(Get-ChildItem -LiteralPath $folder -Force | ForEach-Object { "$($_.Name) $($_.Length)" }) | Should -Be $before
        }

        It '-JobId removes that job''s entry alone and reports the bytes freed' {
            $cleared = Clear-SutroCache -JobId job_same_001
            $cleared.JobIds, $cleared.Count, $cleared.BytesFreed | Should -Be @('job_same_001', 1, $sizes['job_same_001'])
            (Get-SutroCache).JobId | Should -Be @('job_demo_001')
            Invoke-MockControl $server 'reset' | Out-Null
            Get-SutroJobResult job_same_001 @common | Out-Null
            @(Get-ResultsRequest) | Should -HaveCount 2
        }

        It 'without -JobId removes every entry and unfinished write, and leaves other files' {
            $leftover = Join-Path $folder ".job_same_001.snappy.parquet.$([guid]::NewGuid().ToString('N')).tmp"
            [IO.File]::WriteAllBytes($leftover, [byte[]](1..10))
            $cleared = Clear-SutroCache
            $cleared.JobIds | Should -Be @('job_demo_001', 'job_same_001')
            $cleared.Count, $cleared.BytesFreed | Should -Be @(3, ($sizes['job_demo_001'] + $sizes['job_same_001'] + 10))
            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be @('notes.txt')
        }

        It 'removes nothing when the pipeline brings no job (a filter that matched none)' {
            $before = @(Get-ChildItem -LiteralPath $folder -Force).Name
            $cleared = Get-SutroCache | Where-Object LastWriteTime -lt (Get-Date).AddDays(-30) | Clear-SutroCache -Confirm:$false
            $cleared.Count, $cleared.BytesFreed | Should -Be @(0, 0)
            (@() | Clear-SutroCache).Count | Should -Be 0
            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be $before
            @(@() | Get-SutroCache) | Should -HaveCount 0
            (@() | Get-SutroCache -Summary).Count | Should -Be 0
        }

        It 'takes the entries of Get-SutroCache from the pipeline; a job with nothing cached is no error' {
            $cleared = Get-SutroCache job_demo* | Clear-SutroCache
            $cleared.JobIds | Should -Be @('job_demo_001')
            $text = Get-VerboseText { $script:none = Clear-SutroCache job_unknown_9 -Verbose -ErrorAction Stop }
            $text | Should -Contain 'Job job_unknown_9: the results cache holds nothing for it.'
            $none.Count, $none.BytesFreed | Should -Be @(0, 0)
        }
    }
}
