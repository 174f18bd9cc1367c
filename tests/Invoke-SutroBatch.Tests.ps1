# Invoke-SutroBatch against the mock Sutro server: submit, wait, fetch, and each input joined with its output in
# input order. The mock's submitted jobs are job_sub_0001, job_sub_0002... after each reset; row i's output is
# "Echo {i+1}: {input}" (or, with a schema, "{name} {i+1}" for a string field and i+1 for an integer field) and its
# logprob -(i+1)/8.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key; PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'
    $script:errorSuffix = ',Sutro.Commands.InvokeSutroBatchCommand'
    $script:schema = @{ type = 'object'; properties = [ordered]@{ label = @{ type = 'string' }; score = @{ type = 'integer' } } }

    function Set-SubmissionScript([hashtable]$Script) { Invoke-MockControl $server 'submission' -Body $Script | Out-Null }
    function New-Tickets {
        @'
Id,Subject,Body
7,Billing,I was charged twice.
3,Outage,The dashboard is down.
5,Login,I cannot sign in.
'@ | ConvertFrom-Csv
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Invoke-SutroBatch' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'writes a result row per text input, in input order, with Input set to the text' {
        $rows = @('Name a colour.', 'Name a planet.', 'Name a river.' | Invoke-SutroBatch -Model llama-3.1-8b @common)
        $rows.Count | Should -Be 3
        $rows | ForEach-Object { $_.PSObject.TypeNames[0] | Should -BeExactly 'Sutro.JobResultRow' }
        $rows.JobId | Should -Be @('job_sub_0001', 'job_sub_0001', 'job_sub_0001')
        $rows.Index | Should -Be @(0, 1, 2)
        $rows.Input | Should -Be @('Name a colour.', 'Name a planet.', 'Name a river.')
        $rows.Output | Should -Be @('Echo 1: Name a colour.', 'Echo 2: Name a planet.', 'Echo 3: Name a river.')
        $rows.CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
        $paths = @((Get-MockRequest $server).path | Where-Object { $_ -notlike '*/stream-job-progress/*' })
        $paths[0..2] | Should -Be @('/v1/get-quotas', '/v1/batch-inference', '/v1/jobs/job_sub_0001')
        $paths | Should -Contain '/v1/job-status/job_sub_0001'
        $paths | Should -Contain '/v1/jobs/job_sub_0001/results-url'
        @((Get-MockRequest $server '*/batch-inference')).Count | Should -Be 1
        (Get-MockRequest $server '*/batch-inference')[0].submission.inputs | Should -Be @('Name a colour.', 'Name a planet.', 'Name a river.')
    }

    It 'writes each object input itself, in input order, with its properties and Output, CumulativeLogprob added' {
        $tickets = @(New-Tickets)
        $rows = @($tickets | Invoke-SutroBatch -Model gpt-oss-20b -InputProperty Body -SystemPrompt 'Classify.' @common)
        $rows.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { [object]::ReferenceEquals($rows[$i], $tickets[$i]) | Should -BeTrue }
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Id', 'Subject', 'Body', 'Output', 'CumulativeLogprob')
        $rows.Id | Should -Be @('7', '3', '5')
        $rows.Subject | Should -Be @('Billing', 'Outage', 'Login')
        $rows.Output | Should -Be @('Echo 1: I was charged twice.', 'Echo 2: The dashboard is down.', 'Echo 3: I cannot sign in.')
        $rows.CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
        $s = (Get-MockRequest $server '*/batch-inference')[0].submission
        $s.system_prompt | Should -BeExactly 'Classify.'
        $s.inputs | Should -Be @('I was charged twice.', 'The dashboard is down.', 'I cannot sign in.')
    }

    It 'joins -InputScript and -ObjectRows inputs to their objects too' {
        $rows = @(New-Tickets | Invoke-SutroBatch -Model m -InputScript { "$($_.Subject): $($_.Body)" } @common)
        $rows.Id | Should -Be @('7', '3', '5')
        $rows.Output | Should -Be @('Echo 1: Billing: I was charged twice.', 'Echo 2: Outage: The dashboard is down.', 'Echo 3: Login: I cannot sign in.')
        Invoke-MockControl $server 'reset' | Out-Null
        $objects = @([pscustomobject]@{ a = 1 }, [pscustomobject]@{ a = 2 })
        $rows = @($objects | Invoke-SutroBatch -Model fn -ObjectRows @common)
        $rows.a | Should -Be @(1, 2)
        $rows.Output | Should -Be @('Echo 1: {"a":1}', 'Echo 2: {"a":2}')
    }

    It 'keeps an input''s own Output column and adds the output as Output_Output' {
        $row = [pscustomobject]@{ Text = 'hi'; Output = 'mine' }
        $out = $row | Invoke-SutroBatch -Model m -InputProperty Text @common -WarningVariable warned -WarningAction SilentlyContinue
        @($out.PSObject.Properties.Name) | Should -Be @('Text', 'Output', 'Output_Output', 'CumulativeLogprob')
        $out.Output | Should -BeExactly 'mine'
        $out.Output_Output | Should -BeExactly 'Echo 1: hi'
        @($warned).Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ("The input objects already have a property 'Output', which is kept as it was; the job's " +
            "new value is in 'Output_Output'. Rename or remove the input's 'Output' (Select-Object -ExcludeProperty Output) to " +
            'get the new value under its own name.')
    }

    It 'warns once a name, for every input, when -ExpandOutput fields and CumulativeLogprob meet the inputs'' own' {
        $inputs = New-Tickets | Select-Object *, @{ n = 'label'; e = { 'old' } }, @{ n = 'cumulativelogprob'; e = { 0 } }
        $rows = @($inputs | Invoke-SutroBatch -Model m -InputProperty Body -OutputSchema $schema -ExpandOutput @common -WarningVariable warned -WarningAction SilentlyContinue)
        $rows.Count | Should -Be 3
        $rows.label | Should -Be @('old', 'old', 'old')
        $rows.Output_label | Should -Be @('label 1', 'label 2', 'label 3')
        $rows.Output_CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
        @($warned.Message) | Should -Be @(
            ("The input objects already have a property 'CumulativeLogprob', which is kept as it was; the job's new value is in " +
                "'Output_CumulativeLogprob'. Rename or remove the input's 'CumulativeLogprob' (Select-Object -ExcludeProperty " +
                'CumulativeLogprob) to get the new value under its own name.'),
            ("The input objects already have a property 'label', which is kept as it was; the job's new value is in " +
                "'Output_label'. Rename or remove the input's 'label' (Select-Object -ExcludeProperty label) to get the new " +
                'value under its own name.'))
    }

    It 'does not warn when no input property is in the way' {
        $null = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body @common -WarningVariable warned -WarningAction SilentlyContinue)
        @($warned).Count | Should -Be 0
    }

    It '-ExpandOutput adds the fields of a structured output after Output and CumulativeLogprob' {
        $rows = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body -OutputSchema $schema -ExpandOutput @common)
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Id', 'Subject', 'Body', 'Output', 'CumulativeLogprob', 'label', 'score')
        $rows.Id | Should -Be @('7', '3', '5')
        $rows.label | Should -Be @('label 1', 'label 2', 'label 3')
        $rows.score | Should -Be @(1, 2, 3)
        $rows.Output | Should -Be @('{"label":"label 1","score":1}', '{"label":"label 2","score":2}', '{"label":"label 3","score":3}')
        $texts = @('x', 'y' | Invoke-SutroBatch -Model m -OutputSchema $schema -ExpandOutput @common)
        $texts.Input | Should -Be @('x', 'y')
        $texts.label | Should -Be @('label 1', 'label 2')
    }

    It '-Format <_> gives the same joined rows' -ForEach @('Json', 'Csv', 'Parquet') {
        $rows = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body -OutputSchema $schema -ExpandOutput -Format $_ @common)
        ($rows | Select-Object Id, Subject, Body, Output, CumulativeLogprob, label, score | ConvertTo-Json -Compress) |
            Should -BeExactly ('[{"Id":"7","Subject":"Billing","Body":"I was charged twice.","Output":"{\"label\":\"label 1\",\"score\":1}","CumulativeLogprob":-0.125,"label":"label 1","score":1},' +
                '{"Id":"3","Subject":"Outage","Body":"The dashboard is down.","Output":"{\"label\":\"label 2\",\"score\":2}","CumulativeLogprob":-0.25,"label":"label 2","score":2},' +
                '{"Id":"5","Subject":"Login","Body":"I cannot sign in.","Output":"{\"label\":\"label 3\",\"score\":3}","CumulativeLogprob":-0.375,"label":"label 3","score":3}]')
        $expected = $_.ToLowerInvariant()
        @(Get-MockRequest $server '*/jobs/job_sub_0001/results*')[0].query | Should -Match "(^|&)format=$expected(&|$)"
    }

    It 'writes nothing and gives ResultRowCountMismatch when the results have fewer rows than inputs' {
        Set-SubmissionScript @{ drop_rows = 1 }
        $out = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body @common -ErrorVariable failure -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeExactly "ResultRowCountMismatch$errorSuffix"
        $failure[0].Exception.Message | Should -BeLike "Job 'job_sub_0001' has 2 result rows for 3 inputs*none was written*"
        { 'a', 'b' | Invoke-SutroBatch -Model m @common -ErrorAction Stop } | Should -Not -Throw
        Set-SubmissionScript @{ drop_rows = 1 }
        { 'a', 'b' | Invoke-SutroBatch -Model m @common -ErrorAction Stop } | Should -Throw -ErrorId "ResultRowCountMismatch$errorSuffix"
    }

    It '-WhatIf sends nothing and writes nothing' {
        $out = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body -WhatIf @common)
        $out.Count | Should -Be 0
        @(Get-MockRequest $server).Count | Should -Be 0
    }

    It 'refuses -Raw with -ExpandOutput, and a missing -InputProperty value, before sending anything' {
        { 'a' | Invoke-SutroBatch -Model m -Raw -ExpandOutput @common } | Should -Throw -ErrorId "RawWithExpandOutput$errorSuffix"
        { [pscustomobject]@{ Body = $null } | Invoke-SutroBatch -Model m -InputProperty Body @common } |
            Should -Throw -ErrorId "InputPropertyMissing$errorSuffix"
        @(Get-MockRequest $server).Count | Should -Be 0
    }

    It 'pipes into Export-Csv with the input''s columns followed by Output and CumulativeLogprob' {
        $path = Join-Path $TestDrive 'classified.csv'
        New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body @common | Export-Csv -Path $path -UseQuotes AsNeeded
        Get-Content -Path $path | Should -Be @(
            'Id,Subject,Body,Output,CumulativeLogprob'
            '7,Billing,I was charged twice.,Echo 1: I was charged twice.,-0.125'
            '3,Outage,The dashboard is down.,Echo 2: The dashboard is down.,-0.25'
            '5,Login,I cannot sign in.,Echo 3: I cannot sign in.,-0.375')
    }

    Context 'running out of -TimeoutSec' {
        It 'leaves the job running without -CancelOnStop: WaitTimedOut says so' {
            Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING') }
            $rows = 'a', 'b' | Invoke-SutroBatch -Model m -Name slow -TimeoutSec 1 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $rows | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly "WaitTimedOut$errorSuffix"
            $err[0].Exception.Message | Should -BeLike "Stopped waiting for job 'job_sub_0001' (slow) after *: it is still RUNNING. The job keeps running on the server*"
            @(Get-MockRequest $server '*/job-cancel/*').Count | Should -Be 0
            (Get-SutroJob job_sub_0001 -ApiUrl $server.Url -ApiKey $server.Key).Status | Should -BeExactly 'RUNNING'
        }

        It 'cancels the job with -CancelOnStop, and the WaitTimedOut error says so' {
            Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING') }
            $rows = 'a', 'b' | Invoke-SutroBatch -Model m -Name slow -TimeoutSec 1 -CancelOnStop @common -ErrorVariable err -ErrorAction SilentlyContinue
            $rows | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly "WaitTimedOut$errorSuffix"
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err[0].TargetObject | Should -BeExactly 'job_sub_0001'
            $err[0].Exception.Message | Should -MatchExactly ("^Stopped waiting for job 'job_sub_0001' \(slow\) after [^:]+: it is still RUNNING\. " +
                [regex]::Escape('Asked the service to cancel it (-CancelOnStop); it has no results. Check that it stopped with Get-SutroJob job_sub_0001.') + '$')
            $err[0].Exception.Job.Status | Should -BeExactly 'RUNNING'
            @(Get-MockRequest $server '*/job-cancel/*').path | Should -Be @('/v1/job-cancel/job_sub_0001')
            # The mock moves a cancelled job to CANCELLING, then CANCELLED on the next read.
            (Get-SutroJob job_sub_0001 -ApiUrl $server.Url -ApiKey $server.Key).Status | Should -BeExactly 'CANCELLING'
        }

        It 'says how to cancel the job when -CancelOnStop could not' {
            Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING') }
            Invoke-MockControl $server 'faults' -Body @{ path = 'job-cancel'; status = 404; body = '{"detail":"No such job"}' } | Out-Null
            'a' | Invoke-SutroBatch -Model m -Name slow -TimeoutSec 1 -CancelOnStop @common -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly "WaitTimedOut$errorSuffix"
            $err[0].Exception.Message | Should -BeLike ("*: it is still RUNNING. It could not be cancelled (-CancelOnStop): *The server said: No such job.* " +
                'It may still be running; cancel it with Stop-SutroJob job_sub_0001.')
            @(Get-MockRequest $server '*/job-cancel/*').path | Should -Be @('/v1/job-cancel/job_sub_0001')
        }
    }

    Context 'stopped while waiting' {
        BeforeAll {
            function Start-StoppableBatch([bool]$CancelOnStop) {
                Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING') }
                $ps = [PowerShell]::Create()
                $null = $ps.AddScript({
                        param($Module, $Url, $Key, $Cancel)
                        Import-Module $Module
                        $ProgressPreference = 'SilentlyContinue'
                        'a', 'b' | Invoke-SutroBatch -Model m -Name stoppable -ApiUrl $Url -ApiKey $Key -PollIntervalSec 0.1 -CancelOnStop:$Cancel
                    }).AddArgument($env:SUTRO_TEST_MODULE).AddArgument($server.Url).AddArgument($server.Key).AddArgument($CancelOnStop)
                $handle = $ps.BeginInvoke()
                # Wait until it polls the job's status, i.e. it is waiting.
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (@(Get-MockRequest $server '*/job-status/*').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline -and -not $handle.IsCompleted) {
                    Start-Sleep -Milliseconds 100
                }
                $handle.IsCompleted | Should -BeFalse -Because 'the job never succeeds, so the command is still waiting'
                $ps.Stop()
                $ps
            }
        }

        It 'leaves the job running without -CancelOnStop' {
            $ps = Start-StoppableBatch -CancelOnStop $false
            try {
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                @(Get-MockRequest $server '*/job-cancel/*').Count | Should -Be 0
                (Get-SutroJob job_sub_0001 -ApiUrl $server.Url -ApiKey $server.Key).Status | Should -BeExactly 'RUNNING'
            }
            finally { $ps.Dispose() }
        }

        It 'cancels the job with -CancelOnStop' {
            $ps = Start-StoppableBatch -CancelOnStop $true
            try {
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                @(Get-MockRequest $server '*/job-cancel/*').path | Should -Be @('/v1/job-cancel/job_sub_0001')
                # The mock moves a cancelled job to CANCELLING, then CANCELLED on the next read.
                (Get-SutroJob job_sub_0001 -ApiUrl $server.Url -ApiKey $server.Key).Status | Should -BeExactly 'CANCELLING'
            }
            finally { $ps.Dispose() }
        }
    }
}
