# Import-SutroJobResult: results files read back into exactly the rows Get-SutroJobResult gives.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    function New-TestFolder([string]$Name) { (New-Item -ItemType Directory -Path (Join-Path $TestDrive $Name) -Force).FullName }

    # The CSV inside a fixture's ZIP, written as a bare file by .NET's ZipArchive (not by the module).
    function Expand-FixtureCsv([string]$Fixture, [string]$Destination) {
        $zip = [IO.Compression.ZipFile]::OpenRead((Get-FixturePath $Fixture))
        try {
            $entry = $zip.Entries[0]
            $target = Join-Path $Destination $entry.Name
            [IO.Compression.ZipFileExtensions]::ExtractToFile($entry, $target)
            $target
        }
        finally { $zip.Dispose() }
    }

    # Every property of every row, in order, as text: equal text means equal rows.
    function ConvertTo-RowText {
        param([Parameter(ValueFromPipeline)]$Row)
        process {
            ($Row.PSObject.Properties | ForEach-Object {
                $value = $_.Value
                $type = if ($null -eq $value) { 'null' } else { $value.GetType().Name }
                '{0}={1}:{2}' -f $_.Name, $type, (ConvertTo-CanonicalString ([string]$value))
            }) -join ' '
        }
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Import-SutroJobResult' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    Context 'every fixture' {
        It '<File> imports as its expected rows, JobId <JobId>' -ForEach @(
            @{ File = 'small.json'; Expected = 'small.jsonl'; JobId = $null }
            @{ File = 'small.csv.zip'; Expected = 'small.jsonl'; JobId = 'job_12345' }
            @{ File = 'small.polars.zstd.parquet'; Expected = 'small.jsonl'; JobId = $null }
            @{ File = 'nasty.json'; Expected = 'nasty.jsonl'; JobId = $null }
            @{ File = 'nasty.csv.zip'; Expected = 'nasty.csv.jsonl'; JobId = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f' }
            @{ File = 'nasty.polars.zstd.parquet'; Expected = 'nasty.jsonl'; JobId = $null }
            @{ File = 'structured.json'; Expected = 'structured.jsonl'; JobId = $null }
            @{ File = 'structured.csv.zip'; Expected = 'structured.jsonl'; JobId = 'job_structured_001' }
            @{ File = 'structured.polars.zstd.parquet'; Expected = 'structured.jsonl'; JobId = $null }
            @{ File = 'reasoning_obj.json'; Expected = 'reasoning_obj.jsonl'; JobId = $null }
            @{ File = 'reasoning_obj.csv.zip'; Expected = 'reasoning_obj.jsonl'; JobId = 'job_reasoning_obj' }
            @{ File = 'reasoning_obj.polars.zstd.parquet'; Expected = 'reasoning_obj.jsonl'; JobId = $null }
            @{ File = 'outputs_only.json'; Expected = 'outputs_only.jsonl'; JobId = $null }
            @{ File = 'outputs_only.csv.zip'; Expected = 'outputs_only.jsonl'; JobId = 'job_outputs_only' }
            @{ File = 'outputs_only.duckdb.zstd.jobcol.parquet'; Expected = 'outputs_only.jsonl'; JobId = 'job_outputs_only' }
        ) {
            # A Parquet outputs column named after its job is found by -JobId (or a file named after the job).
            $named = if ($File -like '*.jobcol.parquet') { @{ JobId = $JobId } } else { @{} }
            $rows = @(Import-SutroJobResult -LiteralPath (Get-FixturePath $File) -Raw @named)
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath $Expected 'expected')))
            $rows | ForEach-Object { $_.JobId | Should -Be $JobId }
            ($rows | ForEach-Object Index) -join ',' | Should -Be ((0..($rows.Count - 1)) -join ',')
            $rows[0].PSObject.TypeNames[0] | Should -Be 'Sutro.JobResultRow'
        }

        It 'the CSV inside <Zip>, as a bare .csv named after its job, imports as its expected rows' -ForEach @(
            @{ Zip = 'small.csv.zip'; Expected = 'small.jsonl'; JobId = 'job_12345' }
            @{ Zip = 'nasty.csv.zip'; Expected = 'nasty.csv.jsonl'; JobId = 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f' }
            @{ Zip = 'structured.csv.zip'; Expected = 'structured.jsonl'; JobId = 'job_structured_001' }
            @{ Zip = 'reasoning_obj.csv.zip'; Expected = 'reasoning_obj.jsonl'; JobId = 'job_reasoning_obj' }
            @{ Zip = 'outputs_only.csv.zip'; Expected = 'outputs_only.jsonl'; JobId = 'job_outputs_only' }
        ) {
            $csv = Expand-FixtureCsv $Zip (New-TestFolder "bare-$Zip")
            $rows = @(Import-SutroJobResult -LiteralPath $csv -Raw)
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath $Expected 'expected')))
            $rows | ForEach-Object { $_.JobId | Should -BeExactly $JobId }
        }

        It 'a bare CSV under another name reads without -JobId: its only text column is the outputs, named after the job' {
            $dir = New-TestFolder 'renamed-csv'
            $csv = Expand-FixtureCsv 'small.csv.zip' $dir
            $renamed = Join-Path $dir 'results.csv'
            Move-Item -LiteralPath $csv -Destination $renamed
            $rows = @(Import-SutroJobResult $renamed -Raw)
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
            $rows | ForEach-Object { $_.JobId | Should -BeExactly 'job_12345' }
        }

        It 'a bare CSV with two text columns, one named like a job, reads that one as the outputs and its name as JobId' {
            $file = Join-Path (New-TestFolder 'two-text-job') 'results.csv'
            [IO.File]::WriteAllText($file, "inputs,job_12345,comment`nq,answer,note`n")
            $row = Import-SutroJobResult $file
            $row.Output | Should -BeExactly 'answer'
            $row.JobId | Should -BeExactly 'job_12345'
            $row.comment | Should -BeExactly 'note'
        }

        It 'a bare CSV with two candidate text columns, none named like a job, asks for -JobId, then imports with it' {
            $file = Join-Path (New-TestFolder 'two-text') 'results.csv'
            [IO.File]::WriteAllText($file, "inputs,job12345,comment`nq,answer,note`n")
            Import-SutroJobResult $file -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
            $err[0].TargetObject | Should -Be $file
            $err[0].Exception.Message | Should -Match '-JobId'
            $row = Import-SutroJobResult $file -JobId job12345
            $row.Output | Should -BeExactly 'answer'
            $row.comment | Should -BeExactly 'note'
            $row.JobId | Should -BeExactly 'job12345'
        }

        It 'a Parquet file whose only text column is named after a job reads it as the outputs of that job' {
            $rows = @(Import-SutroJobResult (Get-FixturePath 'outputs_only.duckdb.zstd.jobcol.parquet'))
            $rows.Count | Should -Be 6
            $rows[0].JobId | Should -Be 'job_outputs_only'
        }

        It 'a Parquet file of two text columns, neither the outputs, asks for -JobId' {
            Import-SutroJobResult (Get-FixturePath 'twotext.duckdb.parquet') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
            $err[0].Exception.Message | Should -Match "found 'alpha', 'beta'.*-JobId"
        }

        It 'recognises the format from the content: <Fixture> saved as <Name>' -ForEach @(
            @{ Fixture = 'small.polars.zstd.parquet'; Name = 'results.dat' }
            @{ Fixture = 'small.json'; Name = 'results.txt' }
            @{ Fixture = 'small.csv.zip'; Name = 'results' }
            @{ Fixture = 'small.json'; Name = 'results.csv' }
            @{ Fixture = 'small.polars.zstd.parquet'; Name = 'results.json' }
        ) {
            $file = Join-Path (New-TestFolder "sniff-$Name") $Name
            Copy-Item -LiteralPath (Get-FixturePath $Fixture) -Destination $file
            $rows = @(Import-SutroJobResult -LiteralPath $file -Raw)
            ($rows | ConvertTo-CanonicalRows) | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
        }

        It '-JobId sets JobId on every row and names the outputs column' {
            $rows = @(Import-SutroJobResult (Get-FixturePath 'small.json') -JobId 'job_from_runbook')
            $rows.Count | Should -Be 5
            $rows | ForEach-Object { $_.JobId | Should -BeExactly 'job_from_runbook' }
        }

        It 'splits reasoning outputs by default, keeps them with -Raw' {
            $file = Get-FixturePath 'reasoning_obj.polars.zstd.parquet'
            $rows = @(Import-SutroJobResult $file)
            $expected = [IO.File]::ReadAllText((Get-FixturePath 'reasoning_obj.decoded.jsonl' 'expected'))
            $actual = ($rows | ForEach-Object {
                    '[' + (ConvertTo-CanonicalString $_.Input) + ',' + (ConvertTo-CanonicalString $_.Output) + ',' +
                    (ConvertTo-CanonicalString $_.Reasoning) + ',' + (ConvertTo-CanonicalLogprob $_.CumulativeLogprob) + "]`n"
                }) -join ''
            $actual | Should -BeExactly $expected
            (Import-SutroJobResult $file -Raw)[0].PSObject.Properties.Name | Should -Not -Contain 'Reasoning'
        }

        It 'refuses -Raw with -ExpandOutput' {
            { Import-SutroJobResult (Get-FixturePath 'small.json') -Raw -ExpandOutput } | Should -Throw -ErrorId 'RawWithExpandOutput,*'
        }
    }

    Context 'the same rows as Get-SutroJobResult' {
        It '<Job> exported as <Extension> imports as the rows Get gives (<Switch>)' -ForEach @(
            @{ Job = 'job_same_001'; Extension = 'parquet'; Switch = 'Raw' }
            @{ Job = 'job_same_001'; Extension = 'json'; Switch = 'Raw' }
            @{ Job = 'job_same_001'; Extension = 'zip'; Switch = 'Raw' }
            @{ Job = 'job_same_001'; Extension = 'csv'; Switch = 'Raw' }
            @{ Job = 'job_structured_gen'; Extension = 'parquet'; Switch = 'ExpandOutput' }
            @{ Job = 'job_structured_gen'; Extension = 'csv'; Switch = 'ExpandOutput' }
            @{ Job = 'job_reasoning_gen'; Extension = 'json'; Switch = 'None' }
            @{ Job = 'job_reasoning_gen'; Extension = 'zip'; Switch = 'ExpandOutput' }
            @{ Job = 'job_12345'; Extension = 'parquet'; Switch = 'None' }
        ) {
            $format = @{ parquet = 'Parquet'; json = 'Json'; zip = 'Csv'; csv = 'Csv' }[$Extension]
            $shape = @{}
            if ($Switch -ne 'None') { $shape[$Switch] = $true }
            $file = Join-Path (New-TestFolder "roundtrip-$Job-$Extension") "$Job.$Extension"
            Export-SutroJobResult $Job $file -IncludeInput -IncludeCumulativeLogprob @common
            $got = @(Get-SutroJobResult $Job -Format $format -IncludeInput -IncludeCumulativeLogprob @shape @common)
            $imported = @(Import-SutroJobResult $file -JobId $Job @shape)
            $imported.Count | Should -Be $got.Count
            $got.Count | Should -BeGreaterThan 0
            ($imported | ConvertTo-RowText) -join "`n" | Should -BeExactly (($got | ConvertTo-RowText) -join "`n")
        }

        It 'a CSV or Parquet file whose outputs column is named after the job gives that JobId without -JobId' {
            $dir = New-TestFolder 'jobid-from-column'
            Export-SutroJobResult job_same_001 $dir -Format Csv @common
            Export-SutroJobResult job_same_001 (Join-Path $dir 'other-name.zip') @common
            Copy-Item -LiteralPath (Get-FixturePath 'outputs_only.duckdb.zstd.jobcol.parquet') -Destination (Join-Path $dir 'job_outputs_only.parquet')
            Export-SutroJobResult job_same_001 $dir -Format Json @common
            (Import-SutroJobResult (Join-Path $dir 'job_same_001.csv'))[0].JobId | Should -BeExactly 'job_same_001'
            (Import-SutroJobResult (Join-Path $dir 'other-name.zip'))[0].JobId | Should -BeExactly 'job_same_001'
            (Import-SutroJobResult (Join-Path $dir 'job_outputs_only.parquet'))[0].JobId | Should -BeExactly 'job_outputs_only'
            (Import-SutroJobResult (Join-Path $dir 'job_same_001.json'))[0].JobId | Should -BeExactly 'job_same_001'
        }
    }

    Context 'paths' {
        BeforeAll {
            $script:dir = New-TestFolder 'paths'
            foreach ($f in 'small.json', 'small.polars.zstd.parquet', 'outputs_only.json') {
                Copy-Item -LiteralPath (Get-FixturePath $f) -Destination $dir
            }
            Copy-Item -LiteralPath (Get-FixturePath 'small.json') -Destination (Join-Path $dir 'copy[1].json')
        }

        It 'takes files from Get-ChildItem by property name' {
            $rows = @(Get-ChildItem -LiteralPath $dir -Filter '*.parquet' | Import-SutroJobResult)
            $rows.Count | Should -Be 5
            $rows = @(Get-ChildItem -LiteralPath $dir -Filter 'small*' | Import-SutroJobResult)
            $rows.Count | Should -Be 10
        }

        It 'takes path strings from the pipeline, objects with FullName, and Export -PassThru' {
            @((Join-Path $dir 'small.json'), (Join-Path $dir 'outputs_only.json') | Import-SutroJobResult).Count | Should -Be 11
            @([pscustomobject]@{ FullName = (Join-Path $dir 'outputs_only.json') } | Import-SutroJobResult).Count | Should -Be 6
            $out = New-TestFolder 'passthru'
            @(Export-SutroJobResult job_12345 $out -PassThru @common | Import-SutroJobResult).Count | Should -Be 5
        }

        It 'expands wildcards in -Path, not in -LiteralPath' {
            @(Import-SutroJobResult (Join-Path $dir 's*.json')).Count | Should -Be 5
            @(Import-SutroJobResult -LiteralPath (Join-Path $dir 'copy[1].json')).Count | Should -Be 5
            @(Import-SutroJobResult -Path (Join-Path $dir 'copy`[1`].json')).Count | Should -Be 5
        }

        It 'a -Path whose wildcards match nothing is an error, as for Get-Content, even when the literal file exists' {
            Copy-Item -LiteralPath (Get-FixturePath 'small.polars.zstd.parquet') -Destination (Join-Path $dir 'out[1].parquet')
            try {
                foreach ($pattern in 'out[1].parquet', 'nothing*.json') {
                    $given = Join-Path $dir $pattern
                    $rows = @(Import-SutroJobResult -Path $given, (Join-Path $dir 'small.json') -ErrorVariable err -ErrorAction SilentlyContinue)
                    $rows.Count | Should -Be 5 -Because 'the next path is still read'
                    $err.Count | Should -Be 1
                    $err[0].FullyQualifiedErrorId | Should -BeExactly 'PathNotFound,Sutro.Commands.ImportSutroJobResultCommand'
                    $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
                    $err[0].TargetObject | Should -BeExactly $given
                    $err[0].Exception.Message | Should -BeLike "*'$([WildcardPattern]::Escape($given))'*no file matches it*-LiteralPath*"
                }
                # Get-Content reads the same paths the same way.
                Get-Content -Path (Join-Path $dir 'out[1].parquet') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
                $rows = @(Import-SutroJobResult -LiteralPath (Join-Path $dir 'out[1].parquet'))
                $rows.Index | Should -Be @(0, 1, 2, 3, 4)
            }
            finally { Remove-Item -LiteralPath (Join-Path $dir 'out[1].parquet') }
        }

        It 'resolves relative paths and PSDrives' {
            Push-Location $dir
            try { @(Import-SutroJobResult './small.json').Count | Should -Be 5 }
            finally { Pop-Location }
            $null = New-PSDrive -Name SutroIn -PSProvider FileSystem -Root $dir
            try { @(Import-SutroJobResult 'SutroIn:\outputs_only.json').Count | Should -Be 6 }
            finally { Remove-PSDrive SutroIn }
        }

        It 'reports a missing file or a folder, and reads the other files' {
            $missing = Join-Path $dir 'missing.json'
            $rows = @(Import-SutroJobResult -LiteralPath $missing, $dir, (Join-Path $dir 'small.json') -ErrorVariable err -ErrorAction SilentlyContinue)
            $rows.Count | Should -Be 5
            $err.Count | Should -Be 2
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be $missing
            $err[1].FullyQualifiedErrorId | Should -BeLike 'PathIsFolder,*'
        }

        It 'refuses a path outside the file system' {
            Import-SutroJobResult -LiteralPath 'Env:\PATH' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFileSystem,*'
        }
    }

    Context 'malformed files' {
        It '<What> is ResultDecodeFailed with the path as target, no rows, and the next file still imports' -ForEach @(
            @{ What = 'a truncated Parquet file'; Name = 'cut.parquet'; Make = { param($p) $b = [IO.File]::ReadAllBytes((Get-FixturePath 'small.polars.zstd.parquet')); [IO.File]::WriteAllBytes($p, $b[0..999]) } }
            @{ What = 'a JSON file cut short'; Name = 'cut.json'; Make = { param($p) $t = [IO.File]::ReadAllText((Get-FixturePath 'small.json')); [IO.File]::WriteAllText($p, $t.Substring(0, 200)) } }
            @{ What = 'JSON arrays of different lengths'; Name = 'uneven.json'; Make = { param($p) [IO.File]::WriteAllText($p, '{"outputs":["a","b"],"inputs":["x"]}') } }
            @{ What = 'a ZIP holding two files'; Name = 'two.zip'; Make = {
                    param($p)
                    $zip = [IO.Compression.ZipFile]::Open($p, 'Create')
                    foreach ($n in 'a.csv', 'b.csv') { $w = [IO.StreamWriter]::new($zip.CreateEntry($n).Open()); $w.Write("outputs`nx`n"); $w.Dispose() }
                    $zip.Dispose()
                } }
            @{ What = 'a CSV with an unterminated quote'; Name = 'job_q.csv'; Make = { param($p) [IO.File]::WriteAllText($p, "job_q`n`"never closed`n") } }
            @{ What = 'an empty file'; Name = 'empty.json'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]]@()) } }
        ) {
            $bad = Join-Path (New-TestFolder "malformed-$Name") $Name
            & $Make $bad
            $rows = @(Import-SutroJobResult -LiteralPath $bad, (Get-FixturePath 'small.json') -ErrorVariable err -ErrorAction SilentlyContinue)
            $rows.Count | Should -Be 5
            $rows[0].Output | Should -BeExactly 'The capital of France is Paris.'
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject | Should -Be $bad
        }
    }
}

Describe 'Export-SutroJobResult then Import-SutroJobResult: the rows Get gives, JobId included' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It '<Job> as <Name>: every property of every row equals Get-SutroJobResult -Format <Format>' -ForEach @(
        @{ Job = 'job_12345'; Format = 'Parquet'; Name = '' }
        @{ Job = 'job_12345'; Format = 'Parquet'; Name = 'nightly results.parquet' }
        @{ Job = 'job_12345'; Format = 'Json'; Name = '' }
        @{ Job = 'job_12345'; Format = 'Json'; Name = 'nightly.json' }
        @{ Job = 'job_12345'; Format = 'Csv'; Name = '' }
        @{ Job = 'job_12345'; Format = 'Csv'; Name = 'nightly.csv' }
        @{ Job = 'job_12345'; Format = 'Csv'; Name = 'nightly.zip' }
        @{ Job = 'job_same_001'; Format = 'Parquet'; Name = 'same.parquet' }
        @{ Job = 'job_same_001'; Format = 'Json'; Name = 'same.json' }
        @{ Job = 'job_same_001'; Format = 'Csv'; Name = 'same.csv' }
        @{ Job = 'job_same_001'; Format = 'Csv'; Name = '' }
        @{ Job = 'job_same_001'; Format = 'Csv'; Name = 'same.zip' }
    ) {
        $folder = New-TestFolder "round-$Job-$Format-$($Name -replace '\W', '_')"
        $path = if ($Name) { Join-Path $folder $Name } else { $folder }
        $saved = Export-SutroJobResult $Job -Path $path -Format $Format -IncludeInput -IncludeCumulativeLogprob -PassThru @common
        if (-not $Name) { $saved.Name | Should -BeExactly "$Job.$($Format.ToLower())" }
        $got = @(Get-SutroJobResult $Job -Format $Format -IncludeInput -IncludeCumulativeLogprob @common)
        $imported = @(Import-SutroJobResult -LiteralPath $saved.FullName)
        $got.Count | Should -BeGreaterThan 0
        $imported.Count | Should -Be $got.Count
        @($imported.JobId | Sort-Object -Unique) | Should -Be @($Job)
        ($imported | ConvertTo-RowText) | Should -Be ($got | ConvertTo-RowText)
    }

    It 'a saved JSON file is the server''s JSON with "job_id" first' {
        $target = Join-Path (New-TestFolder 'stamp-json') 'r.json'
        Export-SutroJobResult job_12345 -Path $target @common
        $served = [IO.File]::ReadAllText((Get-FixturePath 'small.json'))
        [IO.File]::ReadAllText($target) | Should -BeExactly ('{"job_id":"job_12345",' + $served.Substring(1))
    }

    It 'a saved Parquet file keeps the server''s data pages byte for byte and records sutro.job_id in its footer' {
        $target = Join-Path (New-TestFolder 'stamp-parquet') 'r.parquet'
        Export-SutroJobResult job_12345 -Path $target @common
        $served = [IO.File]::ReadAllBytes((Get-FixturePath 'small.polars.zstd.parquet'))
        $saved = [IO.File]::ReadAllBytes($target)
        $dataLength = $served.Length - 8 - [BitConverter]::ToInt32($served, $served.Length - 8)
        [Convert]::ToHexString($saved, 0, $dataLength) | Should -BeExactly ([Convert]::ToHexString($served, 0, $dataLength))
        $footer = [Text.Encoding]::UTF8.GetString($saved, $dataLength, $saved.Length - $dataLength)
        $footer | Should -Match ([regex]::Escape("sutro.job_id$([char]0x18)$([char]9)job_12345"))
        $footer | Should -Match 'ARROW:schema'
    }

    It 'a file that records another job is refused when read as this one (-JobId), and read as its own without' {
        $target = Join-Path (New-TestFolder 'other-job') 'r.parquet'
        Export-SutroJobResult job_12345 -Path $target @common
        Import-SutroJobResult -LiteralPath $target -JobId job_99999 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.ImportSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ("These results are not those of job 'job_99999': the file records job 'job_12345' " +
            '(sutro.job_id). No rows were read. Check the job id; to read a saved file as the job it records, leave out -JobId.')
    }

    It 'a file named like no job, with nothing inside naming one, reads with an empty JobId' {
        $target = Join-Path (New-TestFolder 'no-job') 'results.parquet'
        Copy-Item -LiteralPath (Get-FixturePath 'small.polars.zstd.parquet') -Destination $target
        $rows = @(Import-SutroJobResult -LiteralPath $target)
        $rows.Count | Should -Be 5
        @($rows | Where-Object { $null -ne $_.JobId }).Count | Should -Be 0
    }

    It 'a file named <job_id>.parquet (as Export names it) gives that JobId even without the footer record' {
        $target = Join-Path (New-TestFolder 'named') 'job_12345.parquet'
        Copy-Item -LiteralPath (Get-FixturePath 'small.polars.zstd.parquet') -Destination $target
        @(Import-SutroJobResult -LiteralPath $target).JobId | Sort-Object -Unique | Should -BeExactly 'job_12345'
    }
}
