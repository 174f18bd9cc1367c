# Get-SutroJobResult: structured and reasoning outputs (-ExpandOutput, -Raw), progress and Ctrl+C.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroJobResult outputs' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'keeps structured outputs as their JSON text without -ExpandOutput' {
        $rows = Get-SutroJobResult job_structured_001 -Format Json @common
        $rows[0].Output | Should -BeExactly '{"name": "Ada Lovelace", "age": 36, "tags": ["math", "poetry"], "address": {"city": "London", "geo": {"lat": 51.5072, "lon": -0.1276}}, "active": true, "notes": null}'
        $rows[0].PSObject.Properties.Name | Should -Not -Contain 'name'
    }

    It 'turns each field of a JSON-object output into a property with -ExpandOutput (<Format>)' -ForEach @(
        @{ Format = 'Json' }, @{ Format = 'Csv' }, @{ Format = 'Parquet' }
    ) {
        $rows = Get-SutroJobResult job_structured_001 -Format $Format -ExpandOutput @common
        $first = $rows[0]
        $first.PSObject.Properties.Name | Should -Be @('JobId', 'Index', 'Input', 'Output', 'CumulativeLogprob', 'name', 'age', 'tags', 'address', 'active', 'notes')
        $first.name | Should -BeExactly 'Ada Lovelace'
        $first.age | Should -Be 36
        $first.age | Should -BeOfType [long]
        $first.tags | Should -Be @('math', 'poetry')
        $first.address.city | Should -BeExactly 'London'
        $first.address.geo.lat | Should -Be 51.5072
        $first.active | Should -BeTrue
        $first.notes | Should -BeNullOrEmpty
        $first.Output | Should -BeLike '{"name": "Ada Lovelace"*'
        $rows[1].name | Should -BeExactly "Jos$([char]0xE9) $([char]0xD1)u$([char]0xF1)ez"
        $rows[1].notes | Should -BeExactly "multi`nline `"quoted`" note"
    }

    It 'gives the same expanded fields as ConvertFrom-Json for nested values' {
        $row = (Get-SutroJobResult job_structured_gen -Format Json -ExpandOutput @common)[0]
        $reference = $row.Output | ConvertFrom-Json
        foreach ($name in $reference.PSObject.Properties.Name) {
            ($row.$name | ConvertTo-Json -Depth 10 -Compress) | Should -BeExactly ($reference.$name | ConvertTo-Json -Depth 10 -Compress)
        }
    }

    It 'keeps a field whose name is taken under the Output_ prefix' {
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = 'job_clash'; statuses = @('SUCCEEDED')
            rows = @(@{ input = 'in'; output = '{"Index": 7, "output": "x", "JobId": "j", "score": 1.5}'; logprob = -0.5 })
        } | Out-Null
        $row = Get-SutroJobResult job_clash -Format Json -ExpandOutput -IncludeInput @common
        $row.Index | Should -Be 0
        $row.JobId | Should -BeExactly 'job_clash'
        $row.Output_Index | Should -Be 7
        $row.Output_output | Should -BeExactly 'x'
        $row.Output_JobId | Should -BeExactly 'j'
        $row.score | Should -Be 1.5
    }

    It 'keeps an output that is not a JSON object as text and warns with its row index' {
        $rows = Get-SutroJobResult job_12345 -Format Json -ExpandOutput @common -WarningVariable warnings -WarningAction SilentlyContinue
        $rows.Count | Should -Be 5
        $rows[3].Output | Should -BeExactly 'positive'
        $warnings.Count | Should -Be 5
        $warnings[3].Message | Should -BeExactly 'Job job_12345, row 3: the output is not a JSON object, so -ExpandOutput kept it as text.'
    }

    It 'splits reasoning outputs and expands their content with -ExpandOutput' {
        $rows = Get-SutroJobResult job_reasoning_gen -Format Json -ExpandOutput @common -WarningVariable warnings -WarningAction SilentlyContinue
        $rows.Count | Should -Be 3
        foreach ($row in $rows) { $row.Reasoning | Should -Not -BeNullOrEmpty }
        $objects = @($rows | Where-Object { $_.Output -like '{*' })
        $objects.Count | Should -Be 2
        $warnings.Count | Should -Be 1
    }

    It 'keeps a deeply nested structured output as text, with a warning, and still emits the row' {
        $deep = ('[' * 100000) + (']' * 100000)
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = 'job_deep'; statuses = @('SUCCEEDED')
            rows = @(@{ input = 'a'; output = "{`"x`": $deep}"; logprob = -1.0 }, @{ input = 'b'; output = '{"y": 1}'; logprob = -2.0 })
        } | Out-Null
        $rows = Get-SutroJobResult job_deep -Format Json -ExpandOutput @common -WarningVariable warnings -WarningAction SilentlyContinue
        $rows.Count | Should -Be 2
        $rows[0].Output | Should -BeExactly "{`"x`": $deep}"
        $rows[0].PSObject.Properties.Name | Should -Not -Contain 'x'
        $rows[1].y | Should -Be 1
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -BeExactly 'Job job_deep, row 0: the output is not valid JSON, or nests deeper than 1000 levels, so -ExpandOutput kept it as text.'
    }

    It '-Raw keeps the server''s output string exactly' {
        $raw = Get-SutroJobResult job_reasoning_obj -Format Json -Raw @common
        $raw[0].Output | Should -BeExactly '{"content": {"answer": "yes", "is_prime": true}, "reasoning_content": "Okay, the user asks whether 17 is prime.\nCheck divisors up to sqrt(17) ~ 4.12: 2, 3, 4 do not divide.\n\nSo yes."}'
        $raw[0].PSObject.Properties.Name | Should -Not -Contain 'Reasoning'
    }

    It 'refuses -Raw with -ExpandOutput' {
        { Get-SutroJobResult job_12345 -Raw -ExpandOutput @common -ErrorAction Stop } | Should -Throw -ErrorId 'RawWithExpandOutput,*'
    }
}

Describe 'Get-SutroJobResult streaming and Ctrl+C' {
    It 'writes the first row before the last is decoded, and stopping mid-way leaves no temporary file' {
        $tmp = Join-Path $TestDrive 'tmp'
        New-Item -ItemType Directory $tmp | Out-Null
        $ps = [PowerShell]::Create()
        [void]$ps.AddScript({
                param($module, $url, $key, $tmp)
                $env:TMPDIR = $tmp
                Import-Module $module
                $ProgressPreference = 'SilentlyContinue'
                Get-SutroJobResult job_big_001 -Format Json -IncludeInput -ApiUrl $url -ApiKey $key
            }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key).AddArgument($tmp)
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        # Polled, not an event handler: a script block run on the child's thread would borrow this runspace.
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ($output.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $output.Count | Should -BeGreaterThan 0
        @(Get-ChildItem $tmp).Count | Should -Be 1   # the download, being decoded
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $output.Count | Should -BeGreaterThan 0
        $output.Count | Should -BeLessThan 200000
        $output[0].Index | Should -Be 0
        @(Get-ChildItem $tmp -Force).Count | Should -Be 0
        $ps.Dispose()
    }

    It 'stopping during the download leaves no temporary file' {
        $tmp = Join-Path $TestDrive 'tmp2'
        New-Item -ItemType Directory $tmp | Out-Null
        Invoke-MockControl $server 'faults' -Body @{ path = 'jobs/job_big_001/results'; times = 1; stall_after_bytes = 100000 } | Out-Null
        $ps = [PowerShell]::Create()
        [void]$ps.AddScript({
                param($module, $url, $key, $tmp)
                $env:TMPDIR = $tmp
                Import-Module $module
                Get-SutroJobResult job_big_001 -Format Json -ApiUrl $url -ApiKey $key
            }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key).AddArgument($tmp)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-ChildItem $tmp).Count -eq 0 -or (Get-ChildItem $tmp)[0].Length -lt 100000) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the download did not start' }
            Start-Sleep -Milliseconds 50
        }
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        @(Get-ChildItem $tmp -Force).Count | Should -Be 0
        $ps.Dispose()
    }
}
