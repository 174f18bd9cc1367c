# Start-SutroJob's checks before a submission, against the mock Sutro server: -IfExists looks for a job of the
# same name (a bounded scan of list-jobs), -MaxEstimatedCost runs a dry run first. The mock's request log shows
# what was asked and sent. Submitted jobs get the ids job_sub_0001, job_sub_0002... after each reset; a dry run of
# n rows and c characters is estimated at n x 0.001 + c x 0.00001 USD.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:api = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $script:common = $api + @{ PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'
    $script:errorSuffix = ',Sutro.Commands.StartSutroJobCommand'

    function Add-MockJob([hashtable]$Definition) { Invoke-MockControl $server 'jobs' -Body $Definition | Out-Null }
    function Get-Submission { @(Get-MockRequest $server '*/batch-inference') }
    function Get-Listing { @(Get-MockRequest $server '*/list-jobs') }
    function Set-SubmissionScript([hashtable]$Script) { Invoke-MockControl $server 'submission' -Body $Script | Out-Null }
    function Format-Iso([datetime]$Utc) { $Utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture) }
    function Get-Thrown([scriptblock]$Script) {
        try { & $Script | Out-Null; $null } catch { $_ }
    }
    function Get-Verbose([scriptblock]$Script) {
        @(& $Script 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Start-SutroJob -IfExists' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:hourAgo = Format-Iso ([datetime]::UtcNow.AddHours(-1))
    }

    It 'Submit (the default) submits as before, without looking' {
        'a' | Start-SutroJob -Model m -Name nightly @common | Out-Null
        $job = 'a' | Start-SutroJob -Model m -Name nightly -IfExists Submit @common
        $job.JobId | Should -BeExactly 'job_sub_0002'
        (Get-Submission).Count | Should -Be 2
        Get-Listing | Should -BeNullOrEmpty
    }

    It 'Reuse warns and writes the job of that name instead of submitting, after one page of list-jobs' {
        $first = 'a', 'b' | Start-SutroJob -Model m -Name nightly @common
        Invoke-MockControl $server 'requests' -Method Get | Out-Null
        $again = 'a', 'b' | Start-SutroJob -Model m -Name nightly -IfExists Reuse @common -WarningVariable warned 3>$null
        $again.PSObject.TypeNames[0] | Should -Be 'Sutro.Job'
        $again.JobId | Should -BeExactly 'job_sub_0001'
        $created = $first.Created.ToUniversalTime().ToString('u', [cultureinfo]::InvariantCulture)
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ("A job named 'nightly' exists already: job_sub_0001 (RUNNING, created $created). " +
            'Going on with it instead of submitting (-IfExists Reuse); to run the batch again, give another -Name.')
        (Get-Submission).Count | Should -Be 1
        $listing = Get-Listing
        $listing.Count | Should -Be 1
        $listing[0].query | Should -BeExactly 'limit=100'
    }

    It 'Reuse with -Wait waits for the job found and writes it once it has succeeded' {
        'a' | Start-SutroJob -Model m -Name nightly @common | Out-Null
        $job = 'a' | Start-SutroJob -Model m -Name nightly -IfExists Reuse -Wait @common 3>$null
        $job.JobId | Should -BeExactly 'job_sub_0001'
        $job.Status | Should -BeExactly 'SUCCEEDED'
        (Get-Submission).Count | Should -Be 1
        @(Get-MockRequest $server '*/job-status/job_sub_0001').Count | Should -BeGreaterThan 0
    }

    It 'Error fails with JobAlreadyExists, naming the job and how to go on with it, and submits nothing' {
        Add-MockJob @{ job_id = 'job_nightly_1'; name = 'nightly'; statuses = @('RUNNING'); datetime_created = $hourAgo }
        $thrown = Get-Thrown { 'a' | Start-SutroJob -Model m -Name nightly -IfExists Error @common }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "JobAlreadyExists$errorSuffix"
        $thrown.CategoryInfo.Category | Should -Be 'ResourceExists'
        $thrown.TargetObject | Should -BeExactly 'job_nightly_1'
        $created = ([DateTimeOffset]::Parse($hourAgo, [cultureinfo]::InvariantCulture)).UtcDateTime.ToString('u', [cultureinfo]::InvariantCulture)
        $thrown.Exception.Message | Should -BeExactly ("A job named 'nightly' exists already: job_nightly_1 (RUNNING, created $created), " +
            'so nothing was submitted (-IfExists Error). Go on with it: Wait-SutroJob job_nightly_1 | Get-SutroJobResult ' +
            '(or run the command again with -IfExists Reuse). To run the batch again, give another -Name.')
        Get-Submission | Should -BeNullOrEmpty
    }

    It 'passes over cost estimates, FAILED, CANCELLED and CANCELLING jobs, other cases of the name, and older jobs' {
        Add-MockJob @{ job_id = 'job_estimate'; name = 'nightly'; run_type = 'COST_ESTIMATE'; datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_failed'; name = 'nightly'; statuses = @('FAILED'); datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_cancelled'; name = 'nightly'; statuses = @('CANCELLED'); datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_cancelling'; name = 'nightly'; statuses = @('CANCELLING'); datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_upper'; name = 'Nightly'; datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_longer'; name = 'nightly-2'; datetime_created = $hourAgo }
        Add-MockJob @{ job_id = 'job_undated'; name = 'nightly'; datetime_created = $null }
        Add-MockJob @{ job_id = 'job_old'; name = 'nightly'; datetime_created = Format-Iso ([datetime]::UtcNow.AddDays(-8)) }
        $said = Get-Verbose { 'a' | Start-SutroJob -Model m -Name nightly -IfExists Error @common -Verbose | Out-Null }
        (Get-Submission).Count | Should -Be 1
        (Get-SutroJob -Name nightly -Since '01:00:00' @api).JobId | Should -Contain 'job_sub_0001'
        $said | Where-Object { $_ -like 'Looked for a job named*' } |
            Should -BeLike "Looked for a job named 'nightly' created since * read 22 jobs in 1 page of list-jobs; none found."
        # -ExistingSince reaches the older job.
        Invoke-MockControl $server 'reset' | Out-Null
        Add-MockJob @{ job_id = 'job_old'; name = 'nightly'; datetime_created = Format-Iso ([datetime]::UtcNow.AddDays(-8)) }
        $found = 'a' | Start-SutroJob -Model m -Name nightly -IfExists Reuse -ExistingSince (New-TimeSpan -Days 9) @common 3>$null
        $found.JobId | Should -BeExactly 'job_old'
    }

    It 'the newest job of the name wins' {
        Add-MockJob @{ job_id = 'job_older'; name = 'nightly'; statuses = @('SUCCEEDED'); datetime_created = Format-Iso ([datetime]::UtcNow.AddHours(-3)) }
        Add-MockJob @{ job_id = 'job_newer'; name = 'nightly'; statuses = @('RUNNING'); datetime_created = $hourAgo }
        ('a' | Start-SutroJob -Model m -Name nightly -IfExists Reuse @common 3>$null).JobId | Should -BeExactly 'job_newer'
    }

    It 'reads list-jobs only as far back as -ExistingSince' {
        $now = [datetime]::UtcNow
        foreach ($i in 1..150) {
            Add-MockJob @{ job_id = ('job_h_{0:d3}' -f $i); name = "hourly-$i"; datetime_created = Format-Iso $now.AddHours(-$i).AddMinutes(30) }
        }
        Add-MockJob @{ job_id = 'job_target'; name = 'weekly'; datetime_created = Format-Iso $now.AddHours(-110) }
        # Within a day: none found after the first page, which reaches back beyond the day.
        $job = 'a' | Start-SutroJob -Model m -Name weekly -IfExists Reuse -ExistingSince (New-TimeSpan -Days 1) @common 3>$null
        $job.JobId | Should -BeExactly 'job_sub_0001'
        (Get-Listing).Count | Should -Be 1
        # Within 5 days: the job is on the second page, and the scan stops there.
        Invoke-MockControl $server 'reset' | Out-Null
        foreach ($i in 1..150) {
            Add-MockJob @{ job_id = ('job_h_{0:d3}' -f $i); name = "hourly-$i"; datetime_created = Format-Iso $now.AddHours(-$i).AddMinutes(30) }
        }
        Add-MockJob @{ job_id = 'job_target'; name = 'weekly'; datetime_created = Format-Iso $now.AddHours(-110) }
        ('a' | Start-SutroJob -Model m -Name weekly -IfExists Reuse -ExistingSince (New-TimeSpan -Days 5) @common 3>$null).JobId |
            Should -BeExactly 'job_target'
        (Get-Listing).Count | Should -Be 2
        Get-Submission | Should -BeNullOrEmpty
    }

    It 'a failed lookup submits nothing: a terminating error with the failure''s id' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'list-jobs'; status = 500; times = -1; body = '{"detail": "database unavailable"}' } | Out-Null
        $thrown = Get-Thrown { 'a' | Start-SutroJob -Model m -Name nightly -IfExists Reuse -MaxRetryCount 0 @common -ErrorAction SilentlyContinue }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "ServerError$errorSuffix"
        $thrown.TargetObject | Should -BeExactly 'nightly'
        $thrown.Exception.Message | Should -BeLike "Could not look for an earlier job named 'nightly' (-IfExists Reuse), so nothing was submitted: *database unavailable*"
        Get-Submission | Should -BeNullOrEmpty
    }

    It 'refuses <Case> before any request (ParameterConflict)' -ForEach @(
        @{ Case = '-IfExists Reuse without -Name'; Extra = @{ IfExists = 'Reuse' }; Message = "-IfExists Reuse looks for an earlier job by its name, so it needs -Name: give the job a name that stays the same from one run to the next, such as -Name 'nightly-2026-12-06'." }
        @{ Case = '-ExistingSince without -IfExists'; Extra = @{ Name = 'n'; ExistingSince = '1.00:00:00' }; Message = '-ExistingSince says how far back -IfExists Reuse or Error looks; give it with one of them, or leave it out.' }
        @{ Case = '-EstimateCost with -IfExists'; Extra = @{ Name = 'n'; IfExists = 'Error'; EstimateCost = $true }; Message = '-EstimateCost runs a dry run only*' }
        @{ Case = '-EstimateCost with -MaxEstimatedCost'; Extra = @{ EstimateCost = $true; MaxEstimatedCost = 1 }; Message = '-EstimateCost runs a dry run only, so -IfExists and -MaxEstimatedCost do not apply: use -EstimateCost alone, or -MaxEstimatedCost to estimate and then submit within a limit.' }
    ) {
        { 'a' | Start-SutroJob -Model m @Extra @common } | Should -Throw -ErrorId "ParameterConflict$errorSuffix" -ExpectedMessage $Message
        Get-MockRequest $server | Should -BeNullOrEmpty
    }

    It 'refuses an -ExistingSince that is not positive, and an -IfExists that is not Submit, Reuse or Error' {
        { 'a' | Start-SutroJob -Model m -Name n -IfExists Reuse -ExistingSince '-01:00:00' @common } |
            Should -Throw -ErrorId "ParameterArgumentValidationError$errorSuffix" -ExpectedMessage '*The time span -01:00:00 is not positive.*'
        { 'a' | Start-SutroJob -Model m -Name n -IfExists Skip @common } |
            Should -Throw -ErrorId "ParameterArgumentValidationError$errorSuffix"
        Get-MockRequest $server | Should -BeNullOrEmpty
    }

    It 'the target of ShouldProcess says the checks; -WhatIf neither reads nor sends anything' {
        $said = Get-Verbose { 'a', 'b' | Start-SutroJob -Model m -Name t1 -IfExists Reuse -MaxEstimatedCost 0.5 @common -Verbose | Out-Null }
        $said[0] | Should -BeLike ('Performing the operation "Submit a batch job" on target "2 rows for model ''m'' at priority 0, ' +
            'as job ''t1'', unless a job of that name created since ????-??-?? ??:??:??Z exists (-IfExists Reuse), ' +
            'if a dry run estimates it at most 0.5 USD".')
        Invoke-MockControl $server 'reset' | Out-Null
        'a', 'b' | Start-SutroJob -Model m -Name t1 -IfExists Reuse -MaxEstimatedCost 0.5 @common -WhatIf | Should -BeNullOrEmpty
        Get-MockRequest $server | Should -BeNullOrEmpty
    }
}

Describe 'Start-SutroJob -MaxEstimatedCost' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'within the limit: a dry run of the same request first, then the job, which carries the estimate' {
        $said = Get-Verbose { $script:job = 'a', 'bb', 'ccc' | Start-SutroJob -Model gpt-oss-20b -Name est -MaxEstimatedCost 0.01 @common -Verbose }
        $job.JobId | Should -BeExactly 'job_sub_0002'
        $job.Status | Should -BeExactly 'QUEUED'
        $job.CostEstimate | Should -BeOfType [decimal]
        $job.CostEstimate | Should -Be ([decimal]'0.00306')   # 3 rows x 0.001 + 6 characters x 0.00001
        $said | Should -Contain "The dry run job_sub_0001 estimates job 'est' at 0.00306 USD, within -MaxEstimatedCost 0.01 USD: submitting it."
        $posts = Get-Submission
        $posts.Count | Should -Be 2
        $posts[0].submission.cost_estimate | Should -BeTrue
        $posts[1].submission.cost_estimate | Should -BeFalse
        # The same inputs, sent twice from the one spool; every other field the same.
        $posts[0].submission.inputs | Should -Be @('a', 'bb', 'ccc')
        $posts[1].submission.inputs | Should -Be @('a', 'bb', 'ccc')
        $dry = $posts[0].submission | Select-Object * -ExcludeProperty cost_estimate, body_bytes | ConvertTo-Json -Compress
        $real = $posts[1].submission | Select-Object * -ExcludeProperty cost_estimate, body_bytes | ConvertTo-Json -Compress
        $real | Should -BeExactly $dry
        $posts[1].submission.body_bytes - $posts[0].submission.body_bytes | Should -Be 1   # "false" against "true"
        (Get-SutroJob job_sub_0001 @api).RunType | Should -BeExactly 'COST_ESTIMATE'
    }

    It 'an estimate equal to the limit is within it' {
        ('a', 'bb', 'ccc' | Start-SutroJob -Model m -MaxEstimatedCost 0.00306 @common).JobId | Should -BeExactly 'job_sub_0002'
    }

    It 'over the limit: CostLimitExceeded with the estimate and the limit, and only the dry run was sent' {
        $thrown = Get-Thrown { 'a', 'bb', 'ccc' | Start-SutroJob -Model m -Name est -MaxEstimatedCost 0.003 @common -ErrorAction SilentlyContinue }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "CostLimitExceeded$errorSuffix"
        $thrown.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $thrown.TargetObject | Should -BeExactly 'job_sub_0001'
        $thrown.Exception.Message | Should -BeExactly ("The dry run job_sub_0001 estimates job 'est' at 0.00306 USD, more than " +
            '-MaxEstimatedCost 0.003 USD, so nothing was submitted. Raise -MaxEstimatedCost, or send fewer or shorter inputs.')
        $posts = Get-Submission
        $posts.Count | Should -Be 1
        $posts[0].submission.cost_estimate | Should -BeTrue
    }

    It 'with -Wait: waits for the job and writes it with the estimate' {
        $job = 'a' | Start-SutroJob -Model m -MaxEstimatedCost 1 -Wait @common
        $job.JobId | Should -BeExactly 'job_sub_0002'
        $job.Status | Should -BeExactly 'SUCCEEDED'
        $job.CostEstimate | Should -Be ([decimal]'0.00101')
        $job.Cost | Should -Not -BeNullOrEmpty
    }

    It 'a dry run that fails submits nothing: a terminating error with its id' {
        Set-SubmissionScript @{ statuses = @('QUEUED', 'FAILED'); failure_reason = @{ message = 'Model not found' } }
        $thrown = Get-Thrown { 'a' | Start-SutroJob -Model nope -Name est -MaxEstimatedCost 1 @common -ErrorAction SilentlyContinue }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "JobFailed$errorSuffix"
        $thrown.TargetObject | Should -BeExactly 'est'
        $thrown.Exception.Message | Should -BeExactly ("The cost of job 'est' could not be estimated (-MaxEstimatedCost), so nothing was submitted: " +
            "Job 'job_sub_0001' (est) failed: Model not found. It has no results; fix the cause and submit it again.")
        (Get-Submission).Count | Should -Be 1
    }

    It 'a dry run without an estimate is CostEstimateMissing, and nothing is submitted' {
        Invoke-MockControl $server 'faults' -Body @{ path_end = '/jobs/job_sub_0001'; times = -1; status = 200
            body = '{"job": {"job_id": "job_sub_0001", "name": "est", "status": "SUCCEEDED", "run_type": "COST_ESTIMATE", "cost_estimate": null}}' } | Out-Null
        $thrown = Get-Thrown { 'a' | Start-SutroJob -Model m -Name est -MaxEstimatedCost 1 @common -ErrorAction SilentlyContinue }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "CostEstimateMissing$errorSuffix"
        $thrown.Exception.Message | Should -BeLike "The cost of job 'est' could not be estimated (-MaxEstimatedCost), so nothing was submitted: The estimate job 'job_sub_0001' succeeded but the API gave no cost_estimate.*"
        (Get-Submission).Count | Should -Be 1
    }

    It 'with -IfExists Reuse and a match, no dry run is made' {
        'a' | Start-SutroJob -Model m -Name nightly @common | Out-Null
        ('a' | Start-SutroJob -Model m -Name nightly -IfExists Reuse -MaxEstimatedCost 0.000001 @common 3>$null).JobId |
            Should -BeExactly 'job_sub_0001'
        (Get-Submission).Count | Should -Be 1
    }

    It 'refuses a negative limit' {
        { 'a' | Start-SutroJob -Model m -MaxEstimatedCost -1 @common } | Should -Throw -ErrorId "ParameterArgumentValidationError$errorSuffix"
    }
}
