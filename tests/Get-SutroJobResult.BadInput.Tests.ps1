# Get-SutroJobResult: every malformed body is a ResultDecodeFailed error (InvalidData) and no row.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    function New-ZipBytes([object[]]$Entries, [string]$Level = 'Optimal') {
        $ms = [System.IO.MemoryStream]::new()
        $zip = [System.IO.Compression.ZipArchive]::new($ms, [System.IO.Compression.ZipArchiveMode]::Create, $true)
        foreach ($e in $Entries) {
            $entry = $zip.CreateEntry($e.Name, [System.IO.Compression.CompressionLevel]$Level)
            $s = $entry.Open(); $b = [byte[]]$e.Bytes; $s.Write($b, 0, $b.Length); $s.Dispose()
        }
        $zip.Dispose()
        $ms.ToArray()
    }
    function Utf8([string]$Text) { [Text.Encoding]::UTF8.GetBytes($Text) }
    function Fixture([string]$Name) { [IO.File]::ReadAllBytes((Get-FixturePath $Name)) }

    function Invoke-BadBody([string]$Format, [byte[]]$Bytes) {
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = 'job_bad'; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 })
            results_body_base64 = @{ $Format.ToLowerInvariant() = [Convert]::ToBase64String($Bytes) }
        } | Out-Null
        $rows = @(Get-SutroJobResult job_bad -Format $Format -IncludeInput -IncludeCumulativeLogprob @common -ErrorVariable err -ErrorAction SilentlyContinue)
        [pscustomobject]@{ Rows = $rows; Errors = @($err) }
    }

    $script:nastyJson = Fixture 'nasty.json'
    $script:smallZip = Fixture 'small.csv.zip'
    $script:nastyParquet = Fixture 'nasty.polars.zstd.parquet'
    $crcZip = New-ZipBytes @(@{ Name = 'job_bad.csv'; Bytes = (Utf8 "job_bad`nhello world`n") }) 'NoCompression'
    $at = [Text.Encoding]::ASCII.GetString($crcZip).IndexOf('hello world')
    $crcZip[$at] = [byte][char]'j'
    $script:crcZip = $crcZip
    $footer = Fixture 'small.polars.zstd.parquet'
    $len = [BitConverter]::ToInt32($footer, $footer.Length - 8)
    for ($i = $footer.Length - 8 - $len; $i -lt $footer.Length - 8; $i++) { $footer[$i] = 0xEE }
    $script:corruptFooter = $footer
    $bomb = [System.IO.MemoryStream]::new()
    $line = Utf8 ("a" * 1023 + "`n")
    $header = Utf8 "job_bad`n"; $bomb.Write($header, 0, $header.Length)
    for ($i = 0; $i -lt 300 * 1024; $i++) { $bomb.Write($line, 0, $line.Length) }
    $script:bombZip = New-ZipBytes @(@{ Name = 'job_bad.csv'; Bytes = $bomb.ToArray() })
    $invalidUtf8 = Utf8 '{"outputs": ["ok", "bad X"]}'
    $invalidUtf8[[Array]::LastIndexOf($invalidUtf8, [byte][char]'X')] = 0xFF
    $script:invalidUtf8Json = $invalidUtf8
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroJobResult with a malformed body' {
    It '<Case>: ResultDecodeFailed naming the problem, no row' -ForEach @(
        @{ Case = 'zero bytes'; Format = 'Json'; Bytes = { [byte[]]@() }; Message = 'empty' }
        @{ Case = 'invalid JSON'; Format = 'Json'; Bytes = { Utf8 '{"outputs": [tru' }; Message = 'malformed' }
        @{ Case = 'truncated JSON'; Format = 'Json'; Bytes = { $nastyJson[0..5000] }; Message = 'malformed' }
        @{ Case = 'trailing garbage'; Format = 'Json'; Bytes = { Utf8 '{"outputs": ["a"]} and more' }; Message = 'malformed' }
        @{ Case = 'arrays of different lengths'; Format = 'Json'; Bytes = { Utf8 '{"outputs": ["a", "b"], "inputs": ["x"]}' }; Message = "'outputs' has 2 elements but 'inputs' has 1" }
        @{ Case = 'an error body'; Format = 'Json'; Bytes = { Utf8 '{"detail": "Results expired; rerun the job"}' }; Message = 'Results expired; rerun the job' }
        @{ Case = 'invalid UTF-8'; Format = 'Json'; Bytes = { $invalidUtf8Json }; Message = 'invalid UTF-8' }
        @{ Case = 'a zip with no entry'; Format = 'Csv'; Bytes = { New-ZipBytes @() }; Message = 'holds no file' }
        @{ Case = 'a zip with two entries'; Format = 'Csv'; Bytes = { New-ZipBytes @(@{ Name = 'a.csv'; Bytes = (Utf8 "job_bad`na`n") }, @{ Name = 'b.csv'; Bytes = (Utf8 "job_bad`nb`n") }) }; Message = 'holds 2 files' }
        @{ Case = 'a truncated zip'; Format = 'Csv'; Bytes = { $smallZip[0..200] }; Message = 'not a readable ZIP' }
        @{ Case = 'a CRC mismatch'; Format = 'Csv'; Bytes = { $crcZip }; Message = 'checksum mismatch' }
        @{ Case = 'an unterminated quote'; Format = 'Csv'; Bytes = { New-ZipBytes @(@{ Name = 'job_bad.csv'; Bytes = (Utf8 "inputs,job_bad`na,`"never closed`n") }) }; Message = 'badly quoted' }
        @{ Case = 'a row with a different field count'; Format = 'Csv'; Bytes = { New-ZipBytes @(@{ Name = 'r.csv'; Bytes = (Utf8 "inputs,job_bad`na,b,c`n") }) }; Message = 'column' }
        @{ Case = 'no output column'; Format = 'Csv'; Bytes = { New-ZipBytes @(@{ Name = 'r.csv'; Bytes = (Utf8 "inputs,answer,comment`na,b,c`n") }) }; Message = "no outputs column: expected one named 'job_bad' or 'outputs' or 'inference_result'; found 'inputs', 'answer', 'comment'. Check that the file or the server's answer holds this job's results." }
        @{ Case = 'an unparseable logprob'; Format = 'Csv'; Bytes = { New-ZipBytes @(@{ Name = 'r.csv'; Bytes = (Utf8 "inputs,job_bad,cumulative_logprobs`na,b,-0.5`nc,d,minus one`n") }) }; Message = "row 1 is not a number: 'minus one'" }
        @{ Case = 'a ZIP bomb'; Format = 'Csv'; Bytes = { $bombZip }; Message = 'ZIP bomb' }
        @{ Case = 'a truncated parquet'; Format = 'Parquet'; Bytes = { $nastyParquet[0..2000] }; Message = 'Parquet' }
        @{ Case = 'a corrupt footer'; Format = 'Parquet'; Bytes = { $corruptFooter }; Message = 'Parquet' }
        @{ Case = 'a parquet without an output column'; Format = 'Parquet'; Bytes = { Fixture 'twotext.duckdb.parquet' }; Message = "no outputs column" }
    ) {
        $result = Invoke-BadBody $Format ([byte[]]@(& $Bytes))
        $result.Rows.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ResultDecodeFailed,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $result.Errors[0].TargetObject | Should -Be 'job_bad'
        $result.Errors[0].Exception.Message | Should -BeLike "*$([WildcardPattern]::Escape($Message))*"
    }

    It 'reports the bad job and still returns the next job''s rows' {
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = 'job_bad'; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o'; logprob = -1.0 })
            results_body_base64 = @{ json = [Convert]::ToBase64String((Utf8 '{"outputs": ["a", "b"], "inputs": ["x"]}')) }
        } | Out-Null
        $rows = Get-SutroJobResult job_bad, job_12345 -Format Json @common -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.Count | Should -Be 5
        $rows[0].JobId | Should -Be 'job_12345'
        $err.Count | Should -Be 1
    }
}

Describe 'The rows of the right job only' {
    BeforeAll {
        $script:otherJob = "These results are not those of job 'job_bad': their outputs column is named '{0}', which is " +
            "another job's id, and no column is named 'job_bad' or 'outputs'. No rows were read. Check the job id and " +
            'the URL; to read a saved file as the job it names, leave out -JobId.'
        $script:recorded = "These results are not those of job 'job_bad': the file records job 'job_12345' ({0}). No rows " +
            'were read. Check the job id; to read a saved file as the job it records, leave out -JobId.'
    }

    It '<Case> is refused with ResultDecodeFailed naming both jobs, and no row' -ForEach @(
        @{ Case = 'a CSV whose outputs column names job_99999'; Format = 'Csv'; Other = 'job_99999'
            Bytes = { New-ZipBytes @(@{ Name = 'job_99999.csv'; Bytes = (Utf8 "inputs,job_99999,cumulative_logprobs`nq,a,-0.5`n") }) } }
        @{ Case = 'a CSV of job_99999 with an id column'; Format = 'Csv'; Other = 'job_99999'
            Bytes = { New-ZipBytes @(@{ Name = 'job_bad.csv'; Bytes = (Utf8 "inputs,job_99999,row_id`nq,a,r1`n") }) } }
        @{ Case = 'a Parquet file whose outputs column names job_outputs_only'; Format = 'Parquet'; Other = 'job_outputs_only'
            Bytes = { Fixture 'outputs_only.duckdb.zstd.jobcol.parquet' } }
    ) {
        $result = Invoke-BadBody $Format ([byte[]]@(& $Bytes))
        $result.Rows.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.GetSutroJobResultCommand'
        $result.Errors[0].Exception.Message | Should -BeExactly ($otherJob -f $Other)
    }

    It 'a <Format> file saved for job_12345 and served for job_bad is refused by its record of the job' -ForEach @(
        @{ Format = 'Parquet'; Record = 'sutro.job_id' }, @{ Format = 'Json'; Record = 'job_id' }
    ) {
        $saved = Join-Path $TestDrive "saved-12345.$($Format.ToLower())"
        Export-SutroJobResult job_12345 -Path $saved -Force @common
        $result = Invoke-BadBody $Format ([IO.File]::ReadAllBytes($saved))
        $result.Rows.Count | Should -Be 0
        $result.Errors[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.GetSutroJobResultCommand'
        $result.Errors[0].Exception.Message | Should -BeExactly ($recorded -f $Record)
    }

    It 'Import-SutroJobResult -JobId refuses a CSV whose only text column is not named like a job as having no outputs column' {
        $file = Join-Path $TestDrive 'answers.csv'
        [IO.File]::WriteAllText($file, "inputs,answer`nq,a`n")
        Import-SutroJobResult $file -JobId job_bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.ImportSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ("The CSV results have no outputs column: expected one named 'job_bad' or " +
            "'outputs' or 'inference_result'; found 'inputs', 'answer'. Check that the file or the server's answer holds this job's results.")
    }

    It 'Import-SutroJobResult -JobId refuses a CSV of another job; without -JobId it reads it as that job''s' {
        $file = Join-Path $TestDrive 'export.csv'
        [IO.File]::WriteAllText($file, "inputs,job_99999,row_id`nq,a,r1`n")
        Import-SutroJobResult $file -JobId job_bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ResultDecodeFailed,Sutro.Commands.ImportSutroJobResultCommand'
        $err[0].Exception.Message | Should -BeExactly ($otherJob -f 'job_99999')
        $row = Import-SutroJobResult $file
        $row.JobId | Should -BeExactly 'job_99999'
        $row.Output | Should -BeExactly 'a'
        $row.row_id | Should -BeExactly 'r1'
    }
}
