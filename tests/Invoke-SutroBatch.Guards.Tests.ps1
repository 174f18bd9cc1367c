# Invoke-SutroBatch with -IfExists and -MaxEstimatedCost, against the mock Sutro server. Submitted jobs are
# job_sub_0001, job_sub_0002... after each reset; row i's output is "Echo {i+1}: {input}"; a dry run of n rows and
# c characters is estimated at n x 0.001 + c x 0.00001 USD.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key; PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'
    $script:errorSuffix = ',Sutro.Commands.InvokeSutroBatchCommand'
    $script:questions = 'Name a colour.', 'Name a planet.', 'Name a river.'

    function Get-Submission { @(Get-MockRequest $server '*/batch-inference') }
    function Get-Thrown([scriptblock]$Script) {
        try { & $Script | Out-Null; $null } catch { $_ }
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Invoke-SutroBatch -IfExists' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'Reuse waits for the job of that name and joins its results with the inputs, without submitting' {
        $first = $questions | Invoke-SutroBatch -Model m -Name faq @common
        $rows = @($questions | Invoke-SutroBatch -Model m -Name faq -IfExists Reuse @common -WarningVariable warned 3>$null)
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeLike "A job named 'faq' exists already: job_sub_0001 (SUCCEEDED, created *). Going on with it instead of submitting (-IfExists Reuse); to run the batch again, give another -Name."
        $rows.Count | Should -Be 3
        $rows.JobId | Should -Be @('job_sub_0001', 'job_sub_0001', 'job_sub_0001')
        $rows.Input | Should -Be $questions
        $rows.Output | Should -Be @('Echo 1: Name a colour.', 'Echo 2: Name a planet.', 'Echo 3: Name a river.')
        $rows.Output | Should -Be $first.Output
        (Get-Submission).Count | Should -Be 1
    }

    It 'Reuse joins object inputs too' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        $objects = $questions | ForEach-Object { [pscustomobject]@{ Q = $_ } }
        $rows = @($objects | Invoke-SutroBatch -Model m -Name faq -InputProperty Q -IfExists Reuse @common 3>$null)
        $rows.Q | Should -Be $questions
        $rows.Output | Should -Be @('Echo 1: Name a colour.', 'Echo 2: Name a planet.', 'Echo 3: Name a river.')
    }

    It 'Reuse of a job with another number of rows is ResultRowCountMismatch at once: no wait, no row' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        $before = @(Get-MockRequest $server).Count
        $rows = 'only one' | Invoke-SutroBatch -Model m -Name faq -IfExists Reuse @common -ErrorVariable err `
            -ErrorAction SilentlyContinue 3>$null
        $rows | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "ResultRowCountMismatch$errorSuffix"
        $err[0].TargetObject | Should -BeExactly 'job_sub_0001'
        $err[0].Exception.Message | Should -BeExactly ("Job 'job_sub_0001', found by -IfExists Reuse, has 3 rows for 1 inputs, " +
            'so its results cannot be paired with these inputs; nothing was submitted and no row was written. ' +
            'To run these inputs, give another -Name (or -IfExists Submit).')
        (Get-Submission).Count | Should -Be 1
        @(Get-MockRequest $server | Select-Object -Skip $before).path | Should -Be @('/v1/list-jobs')
    }

    It 'Error fails with JobAlreadyExists and submits nothing' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        $thrown = Get-Thrown { $questions | Invoke-SutroBatch -Model m -Name faq -IfExists Error @common }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "JobAlreadyExists$errorSuffix"
        $thrown.TargetObject | Should -BeExactly 'job_sub_0001'
        $thrown.Exception.Message | Should -BeLike "A job named 'faq' exists already: job_sub_0001 (SUCCEEDED, created *), so nothing was submitted (-IfExists Error).*"
        (Get-Submission).Count | Should -Be 1
    }

    It 'Reuse without -Name is ParameterConflict before any request' {
        { $questions | Invoke-SutroBatch -Model m -IfExists Reuse @common } | Should -Throw -ErrorId "ParameterConflict$errorSuffix"
        Get-MockRequest $server | Should -BeNullOrEmpty
    }
}

Describe 'Invoke-SutroBatch -MaxEstimatedCost' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'within the limit: the dry run, then the job, whose rows are written; the estimate is in -Verbose' {
        $out = $questions | Invoke-SutroBatch -Model m -Name faq -MaxEstimatedCost 0.01 @common -Verbose 4>&1
        $said = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $rows = @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        # 3 rows x 0.001 + 41 characters x 0.00001
        $said | Should -Contain "The dry run job_sub_0001 estimates job 'faq' at 0.00341 USD, within -MaxEstimatedCost 0.01 USD: submitting it."
        $rows.JobId | Should -Be @('job_sub_0002', 'job_sub_0002', 'job_sub_0002')
        $rows.Output | Should -Be @('Echo 1: Name a colour.', 'Echo 2: Name a planet.', 'Echo 3: Name a river.')
        $posts = Get-Submission
        $posts.submission.cost_estimate | Should -Be @($true, $false)
        $posts[0].submission.inputs | Should -Be $questions
        $posts[1].submission.inputs | Should -Be $questions
    }

    It 'over the limit: CostLimitExceeded, no row, and only the dry run was sent' {
        $thrown = Get-Thrown { $questions | Invoke-SutroBatch -Model m -Name faq -MaxEstimatedCost 0.001 @common }
        $thrown.FullyQualifiedErrorId | Should -BeExactly "CostLimitExceeded$errorSuffix"
        $thrown.Exception.Message | Should -BeExactly ("The dry run job_sub_0001 estimates job 'faq' at 0.00341 USD, more than " +
            '-MaxEstimatedCost 0.001 USD, so nothing was submitted. Raise -MaxEstimatedCost, or send fewer or shorter inputs.')
        (Get-Submission).Count | Should -Be 1
        @(Get-MockRequest $server '*/results*') | Should -BeNullOrEmpty
    }
}
