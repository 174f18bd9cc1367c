# Results with odd columns and values (what pandas, Python and other tools write every day) give rows, never stop the
# pipeline, and never change a row's own properties; decoding shows its own progress.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    function Utf8([string]$Text) { [Text.Encoding]::UTF8.GetBytes($Text) }
    function New-ZipBytes([string]$Name, [string]$Csv) {
        $ms = [IO.MemoryStream]::new()
        $zip = [IO.Compression.ZipArchive]::new($ms, [IO.Compression.ZipArchiveMode]::Create, $true)
        $s = $zip.CreateEntry($Name).Open(); $b = Utf8 $Csv; $s.Write($b, 0, $b.Length); $s.Dispose()
        $zip.Dispose()
        $ms.ToArray()
    }
    function Set-Body([string]$JobId, [string]$Format, [byte[]]$Bytes) {
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = $JobId; statuses = @('SUCCEEDED'); rows = @(@{ input = 'i'; output = 'o' })
            results_body_base64 = @{ $Format = [Convert]::ToBase64String($Bytes) }
        } | Out-Null
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Unnamed columns' {
    BeforeAll {
        Set-Body 'job_a' 'csv' (New-ZipBytes 'job_a.csv' "inputs,job_a`nx,first`n")
        # pandas.DataFrame.to_csv() writes an unnamed index column first.
        Set-Body 'job_b' 'csv' (New-ZipBytes 'job_b.csv' ",job_b,inputs`n0,second,y`n1,third,z`n")
        Set-Body 'job_c' 'csv' (New-ZipBytes 'job_c.csv' "inputs,job_c`nw,fourth`n")
    }

    It 'a pandas CSV gives Column1, and the jobs after it still run' {
        $rows = @('job_a', 'job_b', 'job_c' | Get-SutroJobResult -Format Csv @common -ErrorVariable err -WarningVariable warn 3>$null)
        $err.Count | Should -Be 0
        ($rows | ForEach-Object { "$($_.JobId)/$($_.Index)/$($_.Output)" }) -join ',' |
            Should -BeExactly 'job_a/0/first,job_b/0/second,job_b/1/third,job_c/0/fourth'
        $rows[1].Column1 | Should -Be 0
        $rows[2].Column1 | Should -Be 1
        $rows[2].Column1 | Should -BeOfType [long]
        @($warn).Count | Should -Be 1
        $warn[0].Message | Should -BeExactly "Job job_b: an unnamed column is shown as 'Column1' (a row's own properties keep their names and values)."
    }

    It 'a JSON key "" and -ExpandOutput on {"": 1} give Column1' {
        Set-Body 'job_e' 'json' (Utf8 '{"outputs": ["{\"\": 1, \"a\": 2}"], "": ["k"]}')
        $row = Get-SutroJobResult job_e -Format Json -ExpandOutput @common -WarningAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 0
        $row.Column1 | Should -BeExactly 'k'
        $row.Column2 | Should -Be 1
        $row.a | Should -Be 2
    }
}

Describe 'Columns named like a row''s own properties' {
    It '<Format>: the standard properties keep their values; the columns are prefixed, with one warning per job' -ForEach @(
        @{ Format = 'json'; Body = { Utf8 '{"outputs": ["real", "real2"], "index": [100, 101], "JobId": ["job_other", "job_other"], "input": ["in", "in"], "Output": ["fake", "fake"], "REASONING": ["r", "r"]}' } }
        @{ Format = 'csv'; Body = { New-ZipBytes 'job_clash.csv' "job_clash,index,JobId,input,Output,REASONING`nreal,100,job_other,in,fake,r`nreal2,101,job_other,in,fake,r`n" } }
    ) {
        Set-Body 'job_clash' $Format (& $Body)
        $rows = @(Get-SutroJobResult job_clash -Format $Format @common -WarningVariable warn 3>$null)
        $rows.Count | Should -Be 2
        ($rows | ForEach-Object { "$($_.JobId)/$($_.Index)/$($_.Output)/$($null -eq $_.Input)" }) -join ',' |
            Should -BeExactly 'job_clash/0/real/True,job_clash/1/real2/True'
        $rows[1].Column_index | Should -Be 101
        $rows[1].Column_JobId | Should -BeExactly 'job_other'
        $rows[1].Column_input | Should -BeExactly 'in'
        $rows[1].Column_Output | Should -BeExactly 'fake'
        $rows[1].Column_REASONING | Should -BeExactly 'r'
        @($warn).Count | Should -Be 1
        $warn[0].Message | Should -BeLike "Job job_clash: the column 'index' is shown as 'Column_index'; the column 'JobId' is shown as 'Column_JobId';*"
    }

    It '-ExpandOutput prefixes once, then numbers, on case-only clashes' {
        Set-Body 'job_x' 'json' (Utf8 '{"outputs": ["{\"Output\": 1, \"output\": 2, \"name\": 3, \"Name\": 4}"]}')
        $row = Get-SutroJobResult job_x -Format Json -ExpandOutput @common
        $row.Output | Should -BeExactly '{"Output": 1, "output": 2, "name": 3, "Name": 4}'
        $row.Output_Output | Should -Be 1
        $row.Output_output_2 | Should -Be 2
        $row.name | Should -Be 3
        $row.Output_Name | Should -Be 4
        @($row.PSObject.Properties.Name -like 'Output_Output_Output*').Count | Should -Be 0
    }
}

Describe 'Values of every kind' {
    It 'JSON numbers, arrays and objects become PowerShell values; an embedding is [double[]]' {
        Set-Body 'job_v' 'json' (Utf8 '{"outputs": [[0.5, 1, -2]], "inputs": ["q"], "big": [12345678901234567890], "huge": [1e400], "meta": [{"a": [1, "x"], "b": {"c": true}}], "s": ["a\ud800b"]}')
        $row = Get-SutroJobResult job_v -Format Json -IncludeInput @common
        , $row.Output | Should -BeOfType [double[]]
        $row.Output -join ',' | Should -Be '0.5,1,-2'
        $row.big | Should -BeOfType [bigint]
        $row.big | Should -Be ([bigint]::Parse('12345678901234567890'))
        $row.huge | Should -BeExactly '1e400'
        $row.meta.a[0] | Should -Be 1
        $row.meta.a[1] | Should -BeExactly 'x'
        $row.meta.b.c | Should -BeTrue
        $row.s.Length | Should -Be 3
        [int]$row.s[1] | Should -Be 0xD800
    }
}

Describe 'Exact numbers' {
    It 'JSON and CSV numbers keep their value one by one; 1e400 stays its text, with one warning' -ForEach @(
        @{ Format = 'Json'; Body = '{"outputs": ["a", "b", "c", "d"], "n": [12345678901234567890, 9007199254740993, 2.5, 1e400]}' }
        @{ Format = 'Csv'; Body = "job_num,n`na,12345678901234567890`nb,9007199254740993`nc,2.5`nd,1e400`n" }
    ) {
        $bytes = if ($Format -eq 'Json') { Utf8 $Body } else { New-ZipBytes 'job_num.csv' $Body }
        Set-Body 'job_num' $Format.ToLower() $bytes
        $rows = @(Get-SutroJobResult job_num -Format $Format @common -WarningVariable warned -WarningAction SilentlyContinue)
        $rows.Count | Should -Be 4
        $rows[0].n | Should -BeOfType [bigint]
        $rows[0].n.ToString() | Should -BeExactly '12345678901234567890'
        $rows[1].n | Should -BeOfType [long]
        $rows[1].n | Should -Be 9007199254740993
        $rows[2].n | Should -BeOfType [double]
        $rows[2].n | Should -Be 2.5
        $rows[3].n | Should -BeOfType [string]
        $rows[3].n | Should -BeExactly '1e400'
        @($warned).Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ("Job job_num: 1 number is beyond the range of [double] (the first: 1e400 in 'n'); " +
            'no .NET number holds it, so it is kept as text, exactly as written.')
    }

    It '-ExpandOutput keeps exact numbers inside a structured output, and warns for 1e400' {
        Set-Body 'job_num' 'json' (Utf8 '{"outputs": ["{\"serial\": 12345678901234567890, \"x\": 9007199254740993, \"far\": 1e400}"]}')
        $row = Get-SutroJobResult job_num -Format Json -ExpandOutput @common -WarningVariable warned -WarningAction SilentlyContinue
        $row.serial | Should -BeOfType [bigint]
        $row.serial.ToString() | Should -BeExactly '12345678901234567890'
        $row.x | Should -BeOfType [long]
        $row.x | Should -Be 9007199254740993
        $row.far | Should -BeExactly '1e400'
        $warned[0].Message | Should -BeExactly ("Job job_num (-ExpandOutput): 1 number is beyond the range of [double] (the first: " +
            "1e400 in 'far'); no .NET number holds it, so it is kept as text, exactly as written.")
    }
}

Describe 'Round trip' {
    It 'Export -Format Csv to c.csv, then Import c.csv without -JobId gives the rows Get gives' {
        $file = Join-Path $TestDrive 'c.csv'
        Export-SutroJobResult job_12345 $file -Format Csv -IncludeInput -IncludeCumulativeLogprob @common
        $imported = @(Import-SutroJobResult $file)
        $got = @(Get-SutroJobResult job_12345 -Format Csv -IncludeInput -IncludeCumulativeLogprob @common)
        $imported.Count | Should -Be 5
        ($imported | ForEach-Object { "$($_.JobId)|$($_.Index)|$($_.Input)|$($_.Output)|$($_.CumulativeLogprob)" }) -join "`n" |
            Should -BeExactly (($got | ForEach-Object { "$($_.JobId)|$($_.Index)|$($_.Input)|$($_.Output)|$($_.CumulativeLogprob)" }) -join "`n")
    }
}

Describe 'Decoding progress' {
    BeforeAll {
        # The bar first shows after a quarter second; a fast machine decodes 150,000 rows sooner, so the tests
        # shorten that pause to a millisecond (and put it back after).
        $script:sutro = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Sutro' }
        $script:interval = $sutro.GetType('Sutro.Rows.RowProgress').GetProperty('Interval', [Reflection.BindingFlags]'Static, NonPublic')
        $script:savedInterval = $interval.GetValue($null)
        $interval.SetValue($null, [long]([Diagnostics.Stopwatch]::Frequency / 1000))
        $script:bigFile = Join-Path $TestDrive 'big.json'
        $outputs = [Linq.Enumerable]::Repeat('"an output"', 150000) -join ','
        [IO.File]::WriteAllText($bigFile, "{""outputs"": [$outputs]}")
        $script:modulePath = $env:SUTRO_TEST_MODULE
        function Get-ProgressRecords([string]$Preference, [string]$Script) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$modulePath'; `$ProgressPreference = '$Preference'; $Script").Invoke()
                $ps.Streams.Error.Count | Should -Be 0
                @($ps.Streams.Progress)
            }
            finally { $ps.Dispose() }
        }
    }

    AfterAll { $interval.SetValue($null, $savedInterval) }

    It 'Import shows rows decoded of the total and rows per second under its own id, and completes' {
        $records = Get-ProgressRecords 'Continue' "Import-SutroJobResult -LiteralPath '$bigFile' | Out-Null"
        $decoding = @($records | Where-Object ActivityId -EQ 0x5315)
        $decoding.Count | Should -BeGreaterThan 1
        $decoding[0].Activity | Should -BeExactly 'Decoding the rows of big.json'
        $decoding[0].StatusDescription | Should -Match '^[\d,]+ of 150,000 rows \([\d,]+ rows/s\)$'
        $decoding[-1].RecordType | Should -Be 'Completed'
        @($records | Where-Object ActivityId -NE 0x5315).Count | Should -Be 0
    }

    It 'Get shows it under its own id, apart from the download bar' {
        $records = Get-ProgressRecords 'Continue' "Get-SutroJobResult job_big_001 -Format Json -ApiUrl '$($server.Url)' -ApiKey '$($server.Key)' | Out-Null"
        $decoding = @($records | Where-Object ActivityId -EQ 0x5314)
        $decoding.Count | Should -BeGreaterThan 1
        $decoding[0].StatusDescription | Should -Match '^[\d,]+ of 200,000 rows \([\d,]+ rows/s\)$'
        $decoding[-1].RecordType | Should -Be 'Completed'
    }

    It 'is silent when $ProgressPreference says so' {
        @(Get-ProgressRecords 'SilentlyContinue' "Import-SutroJobResult -LiteralPath '$bigFile' | Out-Null").Count | Should -Be 0
    }
}
