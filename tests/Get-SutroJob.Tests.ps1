# Get-SutroJob and the -JobId completer, against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'

    function Add-MockJob([hashtable]$Definition) { Invoke-MockControl $server 'jobs' -Body $Definition | Out-Null }
    function ConvertTo-Utc([string]$Iso) { [DateTimeOffset]::Parse($Iso, [cultureinfo]::InvariantCulture).UtcDateTime }

    # The built-in catalogue, newest first by datetime_created.
    $script:allNewestFirst = @(
        'job_cancelled_001', 'job_failed_001', 'job_lifecycle_001', 'job_running_001', 'job_demo_001',
        'job_reasoning_gen', 'job_structured_gen', 'job_same_001', 'job_outputs_only', 'job_reasoning_obj',
        'job_structured_001', 'job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f', 'job_12345', 'job_big_001')
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroJob' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    Context 'every job' {
        It 'lists every job of the key, newest first, with one list-jobs call' {
            $jobs = Get-SutroJob @common
            $jobs.JobId | Should -Be $allNewestFirst
            (Get-MockRequest $server).path | Should -Be @('/v1/list-jobs')
        }

        It '-Status filters, case-insensitively' {
            (Get-SutroJob -Status failed, CANCELLED @common).JobId | Should -Be @('job_cancelled_001', 'job_failed_001')
            (Get-SutroJob -Status Queued @common).JobId | Should -Be @('job_lifecycle_001')
            (Get-SutroJob -Status Running @common).JobId | Should -Be @('job_running_001')
        }

        It '-Status refuses a word that is not a status' {
            { Get-SutroJob -Status Done @common } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Sutro.Commands.GetSutroJobCommand'
        }

        It '-First limits, after -Status' {
            (Get-SutroJob -First 3 @common).JobId | Should -Be $allNewestFirst[0..2]
            (Get-SutroJob -Status Succeeded -First 2 @common).JobId | Should -Be @('job_demo_001', 'job_reasoning_gen')
        }

        It 'tolerates lower-case and old status words, and keeps words it does not know' {
            Add-MockJob @{ job_id = 'job_lower'; statuses = @('running'); datetime_created = '2026-12-01T00:00:03Z' }
            Add-MockJob @{ job_id = 'job_pending'; statuses = @('pending'); datetime_created = '2026-12-01T00:00:02Z' }
            Add-MockJob @{ job_id = 'job_strange'; statuses = @('warming_up'); datetime_created = '2026-12-01T00:00:01Z' }
            $jobs = Get-SutroJob -First 3 @common
            $jobs.JobId | Should -Be @('job_lower', 'job_pending', 'job_strange')
            $jobs.Status | Should -Be @('RUNNING', 'QUEUED', 'WARMING_UP')
            $jobs.IsFinal | Should -Be @($false, $false, $false)
            (Get-SutroJob -Status Running @common).JobId | Should -Be @('job_lower', 'job_running_001')
            (Get-SutroJob -Status Queued @common).JobId | Should -Be @('job_pending', 'job_lifecycle_001')
            (Get-SutroJob -Status Unknown @common).JobId | Should -Be @('job_strange')
        }

        It 'reports a failing list-jobs as an error with its id' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'list-jobs'; status = 401; body = '{"detail": "Invalid API key"}' } | Out-Null
            $err = @(Get-TerminatingError { Get-SutroJob @common })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Sutro.Commands.GetSutroJobCommand'
        }
    }

    Context 'a window of creation times' {
        BeforeAll {
            function Format-Iso([datetime]$Utc) { $Utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture) }
            # job_h_001 .. job_h_150: job i was created i hours less 30 minutes ago, so a window edge at a whole
            # number of hours from now never lies within a second of a job.
            function Add-HourlyJobs([datetime]$NowUtc, [int]$Count = 150) {
                foreach ($i in 1..$Count) {
                    Add-MockJob @{
                        job_id = ('job_h_{0:d3}' -f $i); model = $(if ($i % 2) { 'qwen-3-4b' } else { 'llama-3.1-8b' })
                        datetime_created = Format-Iso $NowUtc.AddHours(-$i).AddMinutes(30)
                    }
                }
            }
            function Get-Hourly([int[]]$Numbers) { $Numbers | ForEach-Object { 'job_h_{0:d3}' -f $_ } }
        }

        BeforeEach {
            $script:nowUtc = [datetime]::UtcNow
            Add-HourlyJobs $nowUtc
        }

        It '-Since 24 hours asks for one page: the first page reaches back beyond the window' {
            $verbose = $null
            $jobs = Get-SutroJob -Since (New-TimeSpan -Hours 24) @common -Verbose 4>&1 |
                Tee-Object -Variable verbose | Where-Object { $_ -is [Sutro.Job] }
            $jobs.JobId | Should -Be (Get-Hourly (1..24))
            $log = @(Get-MockRequest $server)
            $log.path | Should -Be @('/v1/list-jobs')
            $log[0].query | Should -BeExactly 'limit=100'
            $said = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $said[-1] | Should -BeLike 'Read 100 jobs from list-jobs, in 1 page of 100; jobs come newest first, so the pages stop at the first one reaching back before *.'
        }

        It '-Since as text (a day) is the same window' {
            (Get-SutroJob -Since '1.00:00:00' @common).JobId | Should -Be (Get-Hourly (1..24))
        }

        It 'a window longer than a page reads on until a page reaches back beyond it, and no further' {
            # 120 jobs of the last 5 days, 164 jobs in all: pages 1 and 2 of 100, never a third.
            $jobs = Get-SutroJob -Since (New-TimeSpan -Days 5) @common
            $jobs.Count | Should -Be 120
            $jobs.JobId | Should -Be (Get-Hourly (1..120))
            $log = @(Get-MockRequest $server)
            $log.path | Should -Be @('/v1/list-jobs', '/v1/list-jobs')
            $log[1].query | Should -Match '^limit=100&cursor=.+'
        }

        It 'a job without a creation time is left out of a window and does not end the listing' {
            Add-MockJob @{ job_id = 'job_undated'; datetime_created = $null }
            # The mock lists it first (as a descending ORDER BY puts NULLs in PostgreSQL).
            (Get-SutroJob -First 1 @common).JobId | Should -BeExactly 'job_undated'
            (Get-SutroJob -First 1 @common).Created | Should -BeNullOrEmpty
            $before = @(Get-MockRequest $server).Count
            $jobs = Get-SutroJob -Since (New-TimeSpan -Days 5) @common
            $jobs.JobId | Should -Be (Get-Hourly (1..120))
            @(Get-MockRequest $server).Count - $before | Should -Be 2 -Because 'page 1 (the undated job and 99 of the window) does not end it'
        }

        It '-CreatedAfter and -CreatedBefore: at or after the start, before the end' {
            $start = $nowUtc.AddHours(-48)
            $end = $nowUtc.AddHours(-24)
            $jobs = Get-SutroJob -CreatedAfter $start -CreatedBefore $end @common
            $jobs.JobId | Should -Be (Get-Hourly (25..48))
            @(Get-MockRequest $server).Count | Should -Be 1
            # Local times mean the same instants.
            (Get-SutroJob -CreatedAfter $start.ToLocalTime() -CreatedBefore $end.ToLocalTime() @common).JobId |
                Should -Be (Get-Hourly (25..48))
        }

        It 'the edges: a job created exactly at -CreatedAfter is in, one exactly at -CreatedBefore is out' {
            Add-MockJob @{ job_id = 'job_edge_start'; datetime_created = '2030-01-01T00:00:00Z' }
            Add-MockJob @{ job_id = 'job_edge_mid'; datetime_created = '2030-01-01T12:00:00Z' }
            Add-MockJob @{ job_id = 'job_edge_end'; datetime_created = '2030-01-02T00:00:00Z' }
            $start = [DateTimeOffset]::Parse('2030-01-01T00:00:00Z', [cultureinfo]::InvariantCulture).UtcDateTime
            (Get-SutroJob -CreatedAfter $start -CreatedBefore $start.AddDays(1) @common).JobId |
                Should -Be @('job_edge_mid', 'job_edge_start')
            (Get-SutroJob -CreatedAfter $start.AddDays(1) @common).JobId | Should -Be @('job_edge_end')
        }

        It '-CreatedBefore alone reads past the newer jobs' {
            $jobs = Get-SutroJob -CreatedBefore $nowUtc.AddHours(-140) @common
            $jobs.JobId | Should -Be (@(Get-Hourly (141..150)) + $allNewestFirst)
            @(Get-MockRequest $server).Count | Should -Be 2
        }

        It '-Model filters with wildcards, case-insensitively, and combines with the window and -First' {
            (Get-SutroJob -Model 'QWEN-*' -Since (New-TimeSpan -Hours 6) @common).JobId | Should -Be (Get-Hourly 1, 3, 5)
            (Get-SutroJob -Model llama-3.1-8b -Since (New-TimeSpan -Hours 6) -First 2 @common).JobId | Should -Be (Get-Hourly 2, 4)
            (Get-SutroJob -Model 'qwen-3-4b' -Name 'job_h_00?' -Since (New-TimeSpan -Hours 24) @common).JobId |
                Should -Be (Get-Hourly 1, 3, 5, 7, 9)
        }

        It 'the window applies to jobs given by id too' {
            (Get-SutroJob job_h_001, job_12345, job_h_030 -Since (New-TimeSpan -Hours 24) @common).JobId | Should -Be @('job_h_001')
        }

        It 'a server that ignores limit: its one answer is filtered, and one request is made' {
            $page = @{ message = 'ok'; jobs = @(
                    @{ job_id = 'a'; status = 'RUNNING'; datetime_created = Format-Iso $nowUtc.AddHours(-1) }
                    @{ job_id = 'b'; status = 'SUCCEEDED'; datetime_created = $null }
                    @{ job_id = 'c'; status = 'SUCCEEDED'; datetime_created = Format-Iso $nowUtc.AddHours(-30) }
                    @{ job_id = 'd'; status = 'FAILED'; datetime_created = Format-Iso $nowUtc.AddHours(-2) }
                ) } | ConvertTo-Json -Depth 5 -Compress
            Invoke-MockControl $server 'faults' -Body @{ path = 'list-jobs'; times = 1; status = 200; body = $page } | Out-Null
            (Get-SutroJob -Since (New-TimeSpan -Hours 24) @common).JobId | Should -Be @('a', 'd')
            @(Get-MockRequest $server).Count | Should -Be 1
        }

        It '-Since with -CreatedAfter, or an empty window, is ParameterConflict before any request' {
            { Get-SutroJob -Since '01:00:00' -CreatedAfter $nowUtc @common } |
                Should -Throw -ErrorId 'ParameterConflict,Sutro.Commands.GetSutroJobCommand' -ExpectedMessage '-CreatedAfter and -Since both say where the window starts; give one of them.'
            $start = [DateTimeOffset]::Parse('2030-01-02T00:00:00Z', [cultureinfo]::InvariantCulture).UtcDateTime
            { Get-SutroJob -CreatedAfter $start -CreatedBefore $start @common } |
                Should -Throw -ErrorId 'ParameterConflict,Sutro.Commands.GetSutroJobCommand' -ExpectedMessage 'The window is empty: it starts (2030-01-02 00:00:00Z) at or after its end (-CreatedBefore 2030-01-02 00:00:00Z). Give a start before the end.'
            @(Get-MockRequest $server).Count | Should -Be 0
        }

        It '-Since refuses a time span that is not positive' {
            { Get-SutroJob -Since '00:00:00' @common } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Sutro.Commands.GetSutroJobCommand' -ExpectedMessage '*The time span 00:00:00 is not positive.*'
            { Get-SutroJob -Since (New-TimeSpan -Hours -1) @common } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Sutro.Commands.GetSutroJobCommand'
        }
    }

    Context 'one job' {
        It 'reads every field into a typed Sutro.Job' {
            Add-MockJob @{
                job_id = 'job_typed'; name = 'typed'; description = 'typed job'; model = 'qwen-2.5-7b'; job_priority = 1
                system_prompt = 'Be brief.'; datetime_created = '2026-11-21T08:15:30Z'; statuses = @('SUCCEEDED')
                json_schema = @{ type = 'object' }
                rows = @(@{ input = 'abcd'; output = 'abcdefgh'; logprob = -1.0 }, @{ input = 'abcd'; output = 'abcdefgh'; logprob = -2.0 })
            }
            $job = Get-SutroJob job_typed @common
            $job.PSObject.TypeNames[0] | Should -Be 'Sutro.Job'
            "$job" | Should -BeExactly 'job_typed'
            $job.JobId | Should -BeExactly 'job_typed'
            $job.Name | Should -BeExactly 'typed'
            $job.Description | Should -BeExactly 'typed job'
            $job.Model | Should -BeExactly 'qwen-2.5-7b'
            $job.Priority | Should -Be 1
            $job.SystemPrompt | Should -BeExactly 'Be brief.'
            $job.Status | Should -BeExactly 'SUCCEEDED'
            $job.IsFinal | Should -BeTrue
            $job.Created | Should -BeOfType [datetime]
            $job.Created.Kind | Should -Be 'Local'
            $job.Created.ToUniversalTime() | Should -Be (ConvertTo-Utc '2026-11-21T08:15:30Z')
            $job.Started.ToUniversalTime() | Should -Be (ConvertTo-Utc '2026-11-21T08:17:30Z')
            $job.Completed.ToUniversalTime() | Should -Be (ConvertTo-Utc '2026-11-21T08:20:30Z')
            $job.Rows | Should -BeOfType [long]
            $job.Rows | Should -Be 2
            $job.InputTokens | Should -Be 4
            $job.OutputTokens | Should -Be 6
            $job.Cost | Should -BeOfType [decimal]
            $job.Cost | Should -Be 0.000001
            $job.CostEstimate | Should -BeNullOrEmpty
            $job.FailureReason | Should -BeNullOrEmpty
            $job.JsonSchema | Should -BeExactly '{"type":"object"}'
            $job.SamplingParams | Should -BeNullOrEmpty
            $job.PSObject.Properties.Name | Should -Not -Contain 'future_field'
            (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_typed')
        }

        It 'gives $null for what a job does not have yet, and the failure reason of a failed job' {
            $queued = Get-SutroJob job_lifecycle_001 @common
            $queued.Status | Should -BeExactly 'QUEUED'
            $queued.Started | Should -BeNullOrEmpty
            $queued.Completed | Should -BeNullOrEmpty
            $queued.InputTokens | Should -BeNullOrEmpty
            $queued.Cost | Should -BeNullOrEmpty

            $failed = Get-SutroJob job_failed_001 @common
            $failed.Status | Should -BeExactly 'FAILED'
            $failed.FailureReason | Should -BeExactly 'Model ran out of memory'
            $failed.FailureContext | Should -BeExactly 'row 17'
            $failed.Rows | Should -Be 20
        }

        It 'takes ids from the pipeline by value and by property name (Id, job_id, JobId)' {
            ('job_12345', 'job_failed_001' | Get-SutroJob @common).JobId | Should -Be @('job_12345', 'job_failed_001')
            ([pscustomobject]@{ job_id = 'job_12345' } | Get-SutroJob @common).JobId | Should -BeExactly 'job_12345'
            ([pscustomobject]@{ Id = 'job_12345' } | Get-SutroJob @common).JobId | Should -BeExactly 'job_12345'
            (Get-SutroJob job_12345 @common | Get-SutroJob @common).JobId | Should -BeExactly 'job_12345'
        }

        It 'an unknown id is JobNotFound and the next id still runs' {
            $jobs = Get-SutroJob 'job_nope', 'job_12345' @common -ErrorVariable err -ErrorAction SilentlyContinue
            $jobs.JobId | Should -BeExactly 'job_12345'
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'JobNotFound,Sutro.Commands.GetSutroJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -BeExactly 'job_nope'
        }

        It '-Status and -First apply to given ids too' {
            (Get-SutroJob job_12345, job_failed_001, job_same_001 -Status Succeeded @common).JobId | Should -Be @('job_12345', 'job_same_001')
            (Get-SutroJob job_12345, job_failed_001, job_same_001 -First 1 @common).JobId | Should -Be @('job_12345')
            (Get-MockRequest $server).Count | Should -Be 4 -Because '-First 1 stops asking once it has its job'
        }
    }

    Context 'the default view' {
        It 'is a table that fits 120 columns' {
            $PSStyle.OutputRendering = 'PlainText'
            $lines = (Get-SutroJob @common | Format-Table | Out-String -Width 250) -split "`r?`n" | Where-Object { $_.Trim() }
            $lines[0].TrimEnd() | Should -BeExactly ('JobId'.PadRight(25) + 'Name'.PadRight(29) + 'Status'.PadRight(11) + 'Created'.PadRight(17) + '    Rows' + '      Cost' + ' Model')
            $created = [DateTimeOffset]::Parse('2026-11-18T08:30:00Z', [cultureinfo]::InvariantCulture).LocalDateTime.ToString('yyyy-MM-dd HH:mm')
            $row = $lines | Where-Object { $_ -like 'job_12345 *' }
            $row.TrimEnd() | Should -BeExactly ('job_12345'.PadRight(25) + 'small'.PadRight(29) + 'SUCCEEDED'.PadRight(11) + $created.PadRight(17) + '       5' + '  0.000011' + ' llama-3.1-8b')
            $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
        }

        It 'gives JobId 24 columns: a longer id shows its first 23 characters, enough to Tab-complete it' {
            $PSStyle.OutputRendering = 'PlainText'
            $lines = (Get-SutroJob job-6f1c2d9e-3b4a-4c5d-8e7f-0a1b2c3d4e5f @common | Format-Table | Out-String -Width 250) -split "`r?`n" |
                Where-Object { $_.Trim() }
            $lines[1].Substring(0, 25) | Should -BeExactly ('-----'.PadRight(24) + ' ')
            $lines[2].Substring(0, 25) | Should -BeExactly "job-6f1c2d9e-3b4a-4c5d-$([char]0x2026) "
        }
    }
}

Describe 'The -JobId completer' {
    BeforeAll {
        $script:settings = Enter-SutroTestSettings
        $env:SUTRO_API_URL = $server.Url
        $env:SUTRO_API_KEY = $server.Key
        function Complete([string]$Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
    }

    AfterAll {
        Exit-SutroTestSettings $settings
    }

    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        Disconnect-Sutro  # also empties the completer's cache
    }

    It 'offers job ids from list-jobs, newest first, with "name (status)" as the tooltip' {
        $found = Complete 'Get-SutroJob -JobId job_s'
        $found.CompletionText | Should -Be @('job_structured_gen', 'job_same_001', 'job_structured_001')
        $found.ListItemText | Should -Be @('job_structured_gen', 'job_same_001', 'job_structured_001')
        $found.ToolTip | Should -Be @('structured-people (SUCCEEDED)', 'same-rows-every-format (SUCCEEDED)', 'structured (SUCCEEDED)')
        $found.ResultType | Select-Object -Unique | Should -Be 'ParameterValue'
    }

    It 'completes -JobId of <Command>' -ForEach @(
        @{ Command = 'Get-SutroJob' }, @{ Command = 'Wait-SutroJob' }, @{ Command = 'Stop-SutroJob' }, @{ Command = 'Get-SutroJobResult' }
        @{ Command = 'Get-SutroJobResultLink' }
        @{ Command = 'Join-SutroJobResult' }
    ) {
        (Complete "$Command -JobId job_fa").CompletionText | Should -Be @('job_failed_001')
        (Complete "$Command job_canc").CompletionText | Should -Be @('job_cancelled_001')
    }

    It 'matches the job name too' {
        $found = Complete 'Wait-SutroJob -JobId still'
        $found.CompletionText | Should -Be @('job_running_001')
        $found.ToolTip | Should -Be @('still-running (RUNNING)')
    }

    It 'keeps the list for a while: one list-jobs call for several completions' {
        Complete 'Get-SutroJob job_s' | Out-Null
        Complete 'Stop-SutroJob job_f' | Out-Null
        Complete 'Wait-SutroJob job_l' | Out-Null
        (Get-MockRequest $server).path | Should -Be @('/v1/list-jobs')
    }

    It 'uses -ApiUrl and -ApiKey typed on the same line' {
        Remove-Item Env:SUTRO_API_URL, Env:SUTRO_API_KEY
        try {
            (Complete 'Get-SutroJob job_fa').CompletionText | Should -BeNullOrEmpty
            (Complete "Get-SutroJob -ApiUrl $($server.Url) -ApiKey $($server.Key) -JobId job_fa").CompletionText | Should -Be @('job_failed_001')
        }
        finally {
            $env:SUTRO_API_URL = $server.Url
            $env:SUTRO_API_KEY = $server.Key
        }
    }

    It 'offers nothing, and no error, when the API refuses' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'list-jobs'; status = 500; times = -1 } | Out-Null
        $Error.Clear()
        Complete 'Get-SutroJob job_' | Should -BeNullOrEmpty
        $Error.Count | Should -Be 0
    }

    It 'completes -Status with the status words' {
        (Complete 'Get-SutroJob -Status Ru').CompletionText | Should -Be @('Running')
        (Complete 'Get-SutroJob -Status Ca').CompletionText | Should -Be @('Cancelled', 'Cancelling')
    }
}
