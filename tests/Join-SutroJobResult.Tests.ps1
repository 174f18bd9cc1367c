# Join-SutroJobResult against the mock Sutro server: the pipeline's inputs paired with a job's results by position or
# by key (-On), checked against the inputs the job returns before any row is written. The mock's submitted jobs are
# job_sub_0001, job_sub_0002... after each reset; row i's output is "Echo {i+1}: {input}" and its logprob -(i+1)/8.
# Jobs defined through the control API carry their own rows and id column.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:api = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key; PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'
    $script:errorSuffix = ',Sutro.Commands.JoinSutroJobResultCommand'
    $script:questions = 'Name a colour.', 'Name a planet.', 'Name a river.'
    $script:echoes = 'Echo 1: Name a colour.', 'Echo 2: Name a planet.', 'Echo 3: Name a river.'

    function New-Tickets {
        @'
Id,Subject,Body
7,Billing,I was charged twice.
3,Outage,The dashboard is down.
5,Login,I cannot sign in.
'@ | ConvertFrom-Csv
    }

    function Submit([object[]]$Inputs, [hashtable]$Extra = @{}) {
        ($Inputs | Start-SutroJob -Model llama-3.1-8b -Wait @common @Extra).JobId
    }

    # A job with an id column: rows (input, output, logprob) and the id column's values.
    function Add-KeyedJob([string]$JobId, [object[]]$Keys, [object[]]$Rows) {
        Invoke-MockControl $server 'jobs' -Body @{
            job_id = $JobId; rows = $Rows; id_column = @{ name = 'ticket_id'; values = $Keys }
            extra_columns = @{ confidence_score = @($Rows | ForEach-Object { $_.score }) }
        } | Out-Null
    }

    function Get-ResultsRequest([string]$JobId) { @(Get-MockRequest $server "/v1/jobs/$JobId/results*") }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Join-SutroJobResult by position' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'writes a result row per text input with Input set to the text, after checking it against the job''s inputs' {
        $id = Submit $questions
        $rows = @($questions | Join-SutroJobResult -JobId $id @api -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -or $_.Message -like 'Job *: each*' })
        $verbose = @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rows = @($rows | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $rows.Count | Should -Be 3
        $rows | ForEach-Object { $_.PSObject.TypeNames[0] | Should -BeExactly 'Sutro.JobResultRow' }
        $rows.JobId | Should -Be @($id, $id, $id)
        $rows.Index | Should -Be @(0, 1, 2)
        $rows.Input | Should -Be $questions
        $rows.Output | Should -Be $echoes
        $rows | ForEach-Object { $_.CumulativeLogprob | Should -BeNullOrEmpty }
        $verbose.Message | Should -Be @("Job ${id}: each of the 3 inputs matches the input the job returned for its row.")
        $query = (Get-ResultsRequest $id)[-1].query
        $query | Should -Match 'include_inputs=true'
        $query | Should -Match 'include_cumulative_logprobs=false'
    }

    It 'writes the same rows as Invoke-SutroBatch for object inputs: the same objects with Output and CumulativeLogprob' {
        $batch = @(New-Tickets | Invoke-SutroBatch -Model gpt-oss-20b -InputProperty Body @common)
        $tickets = @(New-Tickets)
        $rows = @($tickets | Join-SutroJobResult job_sub_0001 -InputProperty Body -IncludeCumulativeLogprob @api)
        $rows.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { [object]::ReferenceEquals($rows[$i], $tickets[$i]) | Should -BeTrue }
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Id', 'Subject', 'Body', 'Output', 'CumulativeLogprob')
        @($batch[0].PSObject.Properties.Name) | Should -Be @($rows[0].PSObject.Properties.Name)
        $rows.Id | Should -Be @('7', '3', '5')
        $rows.Output | Should -Be @('Echo 1: I was charged twice.', 'Echo 2: The dashboard is down.', 'Echo 3: I cannot sign in.')
        $rows.CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
        ($rows | ConvertTo-Json -Compress) | Should -BeExactly ($batch | ConvertTo-Json -Compress)
    }

    It 'writes the same expanded rows as Invoke-SutroBatch -ExpandOutput' {
        $schema = @{ type = 'object'; properties = [ordered]@{ label = @{ type = 'string' }; score = @{ type = 'integer' } } }
        $batch = @(New-Tickets | Invoke-SutroBatch -Model m -InputProperty Body -OutputSchema $schema -ExpandOutput @common)
        $rows = @(New-Tickets | Join-SutroJobResult job_sub_0001 -InputProperty Body -ExpandOutput -IncludeCumulativeLogprob @api)
        @($rows[0].PSObject.Properties.Name) | Should -Be @('Id', 'Subject', 'Body', 'Output', 'CumulativeLogprob', 'label', 'score')
        $rows.label | Should -Be @('label 1', 'label 2', 'label 3')
        $rows.score | Should -Be @(1, 2, 3)
        ($rows | ConvertTo-Json -Compress) | Should -BeExactly ($batch | ConvertTo-Json -Compress)
    }

    It 'reads the same rows in <Format>' -ForEach @(@{ Format = 'Parquet' }, @{ Format = 'Csv' }, @{ Format = 'Json' }) {
        $id = Submit $questions
        $rows = @($questions | Join-SutroJobResult -JobId $id -Format $Format -IncludeCumulativeLogprob @api)
        $rows.Input | Should -Be $questions
        $rows.Output | Should -Be $echoes
        $rows.CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
    }

    It 'checks -InputScript texts, and -ObjectRows as the JSON sent' {
        $tickets = @(New-Tickets)
        $id = Submit $tickets @{ InputScript = { "$($_.Subject): $($_.Body)" } }
        $rows = @($tickets | Join-SutroJobResult $id -InputScript { "$($_.Subject): $($_.Body)" } @api)
        $rows.Output | Should -Be @('Echo 1: Billing: I was charged twice.', 'Echo 2: Outage: The dashboard is down.', 'Echo 3: Login: I cannot sign in.')

        $objects = @(@{ q = 'a'; n = 1 }, [ordered]@{ q = 'b'; tags = @('x', 'y') })
        $id = ($objects | Start-SutroJob -Model my-function -ObjectRows -Wait @common).JobId
        $rows = @($objects | Join-SutroJobResult $id -ObjectRows @api)
        $rows.Count | Should -Be 2
        $rows[1].Output | Should -BeExactly 'Echo 2: {"q":"b","tags":["x","y"]}'
        $rows[1].q | Should -BeExactly 'b'

        $changed = @(@{ q = 'a'; n = 1 }, [ordered]@{ q = 'b'; tags = @('x', 'z') })
        $none = $changed | Join-SutroJobResult $id -ObjectRows @api -ErrorVariable err -ErrorAction SilentlyContinue
        $none | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "InputMismatch$errorSuffix"
        $err[0].Exception.Message | Should -BeExactly ("Row 1 of job '$id' does not match its input: the input is " +
            '"{\"q\":\"b\",\"tags\":[\"x\",\"z\"]}", the job ran "{\"q\":\"b\",\"tags\":[\"x\",\"y\"]}". So these are not ' +
            "the inputs of the job (or not in its order), and no row was written. Check the inputs' order and content " +
            "(Get-SutroJobResult $id -IncludeInput shows the job's), or pair them without the check with -NoVerify.")
    }

    It 'is InputMismatch naming the first row that differs and both texts, and writes no row' {
        $id = Submit $questions
        $rows = 'Name a colour.', 'Name a river.', 'Name a planet.' |
            Join-SutroJobResult -JobId $id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "InputMismatch$errorSuffix"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -BeExactly $id
        $err[0].Exception.Data['Index'] | Should -Be 1
        $err[0].Exception.Message | Should -BeExactly ("Row 1 of job '$id' does not match its input: the input is " +
            '"Name a river.", the job ran "Name a planet.". So these are not the inputs of the job (or not in its ' +
            "order), and no row was written. Check the inputs' order and content (Get-SutroJobResult $id -IncludeInput " +
            "shows the job's), or pair them without the check with -NoVerify.")
    }

    It 'cuts long texts after 80 characters in the InputMismatch message, and shows line breaks escaped' {
        $long = 'a' * 100
        $id = Submit @($long, 'second')
        $null = @((('a' * 99) + 'b'), 'second') | Join-SutroJobResult -JobId $id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike ("Row 0 of job '$id' does not match its input: the input is " +
            """$('a' * 80)""... (100 characters), the job ran ""$('a' * 80)""... (100 characters). *")

        $id = Submit @("two`nlines")
        $null = "two`r`nlines" | Join-SutroJobResult -JobId $id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike 'Row 0 of job * does not match its input: the input is "two\r\nlines", the job ran "two\nlines". *'
    }

    It '-NoVerify pairs the inputs by position without asking for the job''s inputs' {
        $id = Submit $questions
        $swapped = 'Name a river.', 'Name a planet.', 'Name a colour.'
        $rows = @($swapped | Join-SutroJobResult -JobId $id -NoVerify @api)
        $rows.Input | Should -Be $swapped
        $rows.Output | Should -Be $echoes
        (Get-ResultsRequest $id)[-1].query | Should -Match 'include_inputs=false'
    }

    It 'is ResultRowCountMismatch before any row when the counts differ' {
        $id = Submit $questions
        $rows = 'Name a colour.', 'Name a planet.' | Join-SutroJobResult -JobId $id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "ResultRowCountMismatch$errorSuffix"
        $err[0].Exception.Message | Should -BeExactly ("Job '$id' has 3 result rows for 2 inputs, so its outputs cannot be paired " +
            "with the inputs and none was written. Look at the job with Get-SutroJob $id | Format-List, and read its rows as " +
            "they are with Get-SutroJobResult $id -IncludeInput.")
    }

    It 'is InputMismatch when a job''s returned input is null' {
        # job_same_001's second row has no input.
        $texts = 'What is 2+2?', 'something', 'Say nothing at all.', "Write two lines.", "Send a rocket emoji", 'Quote me, please', "Tabs`tand trailing space "
        $null = $texts | Join-SutroJobResult job_same_001 @api -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly "InputMismatch$errorSuffix"
        $err[0].Exception.Message | Should -BeLike "Row 1 of job 'job_same_001' does not match its input: the input is ""something"", the job ran no input (null). *"
    }

    It 'fails for a job that has no results yet, and with no inputs' {
        $null = 'a', 'b', 'c', 'd' | Join-SutroJobResult job_running_001 @api -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JobNotComplete$errorSuffix"
        { @() | Join-SutroJobResult job_demo_001 @api } | Should -Throw -ErrorId "NoInputs$errorSuffix"
        { 'a' | Join-SutroJobResult job_demo_001 -Raw -ExpandOutput @api } | Should -Throw -ErrorId "RawWithExpandOutput$errorSuffix"
    }
}

Describe 'Join-SutroJobResult -On' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        Add-KeyedJob 'job_keyed' @(30, 10, 20) @(
            @{ input = 'Gamma'; output = 'out-30'; logprob = -0.5; score = 0.3 }
            @{ input = 'Alpha'; output = 'out-10'; logprob = -1.5; score = 0.1 }
            @{ input = 'Beta'; output = 'out-20'; logprob = -2.5; score = 0.2 }
        )
        $script:tickets = @(
            [pscustomobject]@{ ticket_id = '10'; Text = 'Alpha' }
            [pscustomobject]@{ ticket_id = '20'; Text = 'Beta' }
            [pscustomobject]@{ ticket_id = '30'; Text = 'Gamma' }
        )
    }

    It 'pairs each input with the row of its key, in the results'' order, checking its text' {
        $rows = @($tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id -IncludeCumulativeLogprob @api)
        $rows.Count | Should -Be 3
        [object]::ReferenceEquals($rows[0], $tickets[2]) | Should -BeTrue
        @($rows[0].PSObject.Properties.Name) | Should -Be @('ticket_id', 'Text', 'Output', 'CumulativeLogprob', 'confidence_score')
        $rows.ticket_id | Should -Be @('30', '10', '20')
        $rows.Text | Should -Be @('Gamma', 'Alpha', 'Beta')
        $rows.Output | Should -Be @('out-30', 'out-10', 'out-20')
        $rows.CumulativeLogprob | Should -Be @(-0.5, -1.5, -2.5)
        $rows.confidence_score | Should -Be @(0.3, 0.1, 0.2)
    }

    It 'pairs by key in <Format> too' -ForEach @(@{ Format = 'Csv' }, @{ Format = 'Json' }) {
        $rows = @($tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id -Format $Format @api)
        $rows.Text | Should -Be @('Gamma', 'Alpha', 'Beta')
        $rows.Output | Should -Be @('out-30', 'out-10', 'out-20')
    }

    It 'is InputMismatch naming the row and its key when a keyed input differs' {
        $tickets[1].Text = 'Bravo'
        $rows = $tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "InputMismatch$errorSuffix"
        $err[0].Exception.Message | Should -BeLike ('Row 2 (the key "20", input 2) of job ''job_keyed'' does not match its input: the input is "Bravo", the job ran "Beta". *')
    }

    It 'is DuplicateJoinKey for a key two inputs share, before the results are read' {
        $tickets[2].ticket_id = '10'
        $rows = $tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "DuplicateJoinKey$errorSuffix"
        $err[0].TargetObject | Should -BeExactly 'job_keyed'
        $err[0].Exception.Message | Should -BeExactly ('Inputs 1 and 3 both have "10" in their property ''ticket_id'', so the results ' +
            "of job 'job_keyed' cannot be paired with them by -On ticket_id; no row was written. Give each input a key of " +
            'its own, or leave out -On to pair them by position.')
        Get-ResultsRequest job_keyed | Should -BeNullOrEmpty
    }

    It 'is DuplicateJoinKey for a key two result rows share' {
        Add-KeyedJob 'job_twice' @(10, 20, 10) @(
            @{ input = 'Alpha'; output = 'o1'; score = 1 }, @{ input = 'Beta'; output = 'o2'; score = 2 }, @{ input = 'Gamma'; output = 'o3'; score = 3 })
        $rows = $tickets | Join-SutroJobResult job_twice -InputProperty Text -On ticket_id -NoVerify @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "DuplicateJoinKey$errorSuffix"
        $err[0].Exception.Message | Should -BeExactly ('Rows 0 and 2 of the results of job ''job_twice'' both have "10" in their column ' +
            "'ticket_id', so the inputs cannot be paired with them by -On ticket_id; no row was written. Pair them by position " +
            '(leave out -On), or read the rows as they are with Get-SutroJobResult job_twice.')
    }

    It 'is JoinKeyNotFound for an input whose key no result row has' {
        $tickets[0].ticket_id = '11'
        $rows = $tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JoinKeyNotFound$errorSuffix"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeExactly ('Input 1 has "11" in its property ''ticket_id'', but no row of the results of ' +
            "job 'job_keyed' has it in its column 'ticket_id', so the inputs cannot be paired with the results; no row was " +
            'written. Read the job''s keys with Get-SutroJobResult job_keyed | Select-Object ticket_id.')
    }

    It 'is JoinKeyNotFound when the results have no column of that name' {
        $rows = $tickets | ForEach-Object { [pscustomobject]@{ Ref = $_.ticket_id; Text = $_.Text } } |
            Join-SutroJobResult job_keyed -InputProperty Text -On Ref @api -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "JoinKeyNotFound$errorSuffix"
        $err[0].Exception.Message | Should -BeExactly ("The results of job 'job_keyed' have no column 'Ref' to pair the inputs by " +
            "(-On Ref); their columns besides inputs, outputs and logprobs: 'ticket_id', 'confidence_score'. No row was " +
            'written. Name the job''s id column with -On, or leave out -On to pair the inputs by position.')
    }

    It 'is InputPropertyMissing for an input without the key, before any request' {
        $tickets[1].PSObject.Properties.Remove('ticket_id')
        { $tickets | Join-SutroJobResult job_keyed -InputProperty Text -On ticket_id @api } |
            Should -Throw -ErrorId "InputPropertyMissing$errorSuffix"
        Get-ResultsRequest job_keyed | Should -BeNullOrEmpty
    }

    It 'pairs other objects by the job''s id column with -ObjectRows -NoVerify (the help''s example)' {
        $owners = 'r4', 'r2', 'r7', 'r1', 'r6', 'r3', 'r5' | ForEach-Object { [pscustomobject]@{ row_id = $_; Owner = "team-$_" } }
        $rows = @($owners | Join-SutroJobResult job_same_001 -ObjectRows -On row_id -NoVerify @api)
        $rows.row_id | Should -Be @('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7')
        $rows.Owner | Should -Be @('team-r1', 'team-r2', 'team-r3', 'team-r4', 'team-r5', 'team-r6', 'team-r7')
        $rows[0].Output | Should -BeExactly '4'
        $rows[1].Output | Should -BeExactly 'No input was given.'
        $rows.confidence_score | Should -Be @(0.9, 0.8, 0.75, 0.5, 0.99, 0.1, 0.125)
        @($rows[0].PSObject.Properties.Name) | Should -Be @('row_id', 'Owner', 'Output', 'CumulativeLogprob', 'confidence_score')
    }
}

Describe 'Invoke-SutroBatch -IfExists Reuse checks the inputs' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'is InputMismatch when the job of that name ran other inputs: no row, nothing submitted' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        $other = 'Name a colour.', 'Name a planet.', 'Name a mountain.'
        $rows = $other | Invoke-SutroBatch -Model m -Name faq -IfExists Reuse @common -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
        $rows | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InputMismatch,Sutro.Commands.InvokeSutroBatchCommand'
        $err[0].TargetObject | Should -BeExactly 'job_sub_0001'
        $err[0].Exception.Message | Should -BeExactly ("Row 2 of job 'job_sub_0001' does not match its input: the input is " +
            '"Name a mountain.", the job ran "Name a river.". Job ''job_sub_0001'', found by -IfExists Reuse, ran other ' +
            'inputs: nothing was submitted and no row was written. To run these inputs, give another -Name (or -IfExists ' +
            'Submit); to pair them anyway, add -NoVerify.')
        @(Get-MockRequest $server '*/batch-inference').Count | Should -Be 1
        (Get-ResultsRequest job_sub_0001)[-1].query | Should -Match 'include_inputs=true'
    }

    It 'pairs them anyway with -NoVerify, and a fresh submission is not checked' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        (Get-ResultsRequest job_sub_0001)[-1].query | Should -Match 'include_inputs=false'
        $other = 'Name a colour.', 'Name a planet.', 'Name a mountain.'
        $rows = @($other | Invoke-SutroBatch -Model m -Name faq -IfExists Reuse -NoVerify @common 3>$null)
        $rows.Input | Should -Be $other
        $rows.Output | Should -Be $echoes
        (Get-ResultsRequest job_sub_0001)[-1].query | Should -Match 'include_inputs=false'
    }

    It 'checks object inputs read with -InputProperty' {
        $questions | Invoke-SutroBatch -Model m -Name faq @common | Out-Null
        $objects = $questions | ForEach-Object { [pscustomobject]@{ Q = $_ } }
        $rows = @($objects | Invoke-SutroBatch -Model m -Name faq -InputProperty Q -IfExists Reuse @common 3>$null)
        $rows.Output | Should -Be $echoes
        $other = 'Name a sea.', 'Name a planet.', 'Name a river.' | ForEach-Object { [pscustomobject]@{ Q = $_ } }
        $none = $other | Invoke-SutroBatch -Model m -Name faq -InputProperty Q -IfExists Reuse @common `
            -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
        $none | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InputMismatch,Sutro.Commands.InvokeSutroBatchCommand'
        $err[0].Exception.Message | Should -BeLike 'Row 0 of job ''job_sub_0001'' does not match its input: the input is "Name a sea.", the job ran "Name a colour.". *'
        @($other[0].PSObject.Properties.Name) | Should -Be @('Q')
    }
}
