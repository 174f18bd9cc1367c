# Start-SutroJob against the mock Sutro server: every parameter becomes its field of POST batch-inference
# (the mock's request log shows the fields it received), inputs are checked before anything is sent, and a
# submission is never sent twice. Submitted jobs get the ids job_sub_0001, job_sub_0002... after each reset.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $script:fast = @{ PollIntervalSec = 0.1 }
    $ProgressPreference = 'SilentlyContinue'

    function Get-Submission { @(Get-MockRequest $server '*/batch-inference') }
    function Set-SubmissionScript([hashtable]$Script) { Invoke-MockControl $server 'submission' -Body $Script | Out-Null }
    $script:errorSuffix = ',Sutro.Commands.StartSutroJobCommand'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Start-SutroJob' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    Context 'submitting' {
        It 'submits piped strings once and writes the new job as jobs/{id} gives it' {
            $job = 'Name a colour.', 'Name a planet.' | Start-SutroJob -Model llama-3.1-8b -Name colours @common
            $job.PSObject.TypeNames[0] | Should -Be 'Sutro.Job'
            $job.JobId | Should -BeExactly 'job_sub_0001'
            $job.Name | Should -BeExactly 'colours'
            $job.Model | Should -BeExactly 'llama-3.1-8b'
            $job.Status | Should -BeExactly 'QUEUED'
            $job.Rows | Should -Be 2
            (Get-MockRequest $server).path | Should -Be @('/v1/get-quotas', '/v1/batch-inference', '/v1/jobs/job_sub_0001')
            $post = Get-Submission
            $post.Count | Should -Be 1
            $post[0].method | Should -BeExactly 'POST'
            $post[0].status | Should -Be 200
            $post[0].headers.'Content-Type' | Should -BeExactly 'application/json; charset=utf-8'
            $post[0].headers.'Content-Length' | Should -Be $post[0].submission.body_bytes
            $s = $post[0].submission
            @($s.PSObject.Properties.Name) | Should -Be @('body_bytes', 'model', 'job_priority', 'name', 'cost_estimate', 'truncate_rows', 'input_count', 'inputs')
            $s.model | Should -BeExactly 'llama-3.1-8b'
            $s.job_priority | Should -Be 0
            $s.name | Should -BeExactly 'colours'
            $s.cost_estimate | Should -BeFalse
            $s.input_count | Should -Be 2
            $s.inputs | Should -Be @('Name a colour.', 'Name a planet.')
        }

        It 'takes -InputObject as an argument too, and keeps text exactly (newlines, quotes, any language)' {
            $texts = @("Zürich, 東京 and `"quotes`"`nsecond line", 'tab	here', '')
            Start-SutroJob -Model m -InputObject $texts @common | Out-Null
            (Get-Submission)[0].submission.inputs | Should -Be $texts
        }

        It 'sends numbers as their invariant text' {
            1, 2.5 | Start-SutroJob -Model m @common | Out-Null
            (Get-Submission)[0].submission.inputs | Should -Be @('1', '2.5')
        }

        It 'sends every optional field as given' {
            $job = 'a' | Start-SutroJob -Model qwen-3-4b -SystemPrompt 'Be brief.' -Priority 1 -Name 'all-fields' `
                -Description 'Every field' -SamplingParameters ([ordered]@{ temperature = 0.5; top_p = 0.9; max_tokens = 100 }) `
                -RandomSeedPerInput -TruncateRows @common
            $s = (Get-Submission)[0].submission
            $s.system_prompt | Should -BeExactly 'Be brief.'
            $s.job_priority | Should -Be 1
            $s.description | Should -BeExactly 'Every field'
            ($s.sampling_params | ConvertTo-Json -Compress) | Should -BeExactly '{"temperature":0.5,"top_p":0.9,"max_tokens":100}'
            $s.random_seed_per_input | Should -BeTrue
            $s.truncate_rows | Should -BeTrue
            $job.Priority | Should -Be 1
            $job.SystemPrompt | Should -BeExactly 'Be brief.'
            $job.Description | Should -BeExactly 'Every field'
            $job.SamplingParams | Should -BeExactly '{"temperature":0.5,"top_p":0.9,"max_tokens":100}'
        }

        It 'sends an explicit $false switch as false, and leaves an absent one out' {
            'a' | Start-SutroJob -Model m -TruncateRows:$false @common | Out-Null
            $s = (Get-Submission)[0].submission
            $s.truncate_rows | Should -BeOfType [bool]
            $s.truncate_rows | Should -BeFalse
            $s.PSObject.Properties.Name | Should -Not -Contain 'random_seed_per_input'
        }

        It 'always sends truncate_rows as the SDK does: <Case>' -ForEach @(
            @{ Case = 'true for a model'; Make = { 'a' | Start-SutroJob -Model m -Name t @common }
                Body = '{"model":"m","job_priority":0,"name":"t","cost_estimate":false,"truncate_rows":true,"inputs":["a"]}' }
            @{ Case = 'false for a Function (-ObjectRows)'; Make = { [pscustomobject]@{ q = 'a' } | Start-SutroJob -Model my-fn -Name t -ObjectRows @common }
                Body = '{"model":"my-fn","job_priority":0,"name":"t","cost_estimate":false,"truncate_rows":false,"inputs":[{"q":"a"}]}' }
            @{ Case = '-TruncateRows:$false for a model'; Make = { 'a' | Start-SutroJob -Model m -Name t -TruncateRows:$false @common }
                Body = '{"model":"m","job_priority":0,"name":"t","cost_estimate":false,"truncate_rows":false,"inputs":["a"]}' }
            @{ Case = '-TruncateRows for a Function'; Make = { [pscustomobject]@{ q = 'a' } | Start-SutroJob -Model my-fn -Name t -ObjectRows -TruncateRows @common }
                Body = '{"model":"my-fn","job_priority":0,"name":"t","cost_estimate":false,"truncate_rows":true,"inputs":[{"q":"a"}]}' }
            @{ Case = 'true for a cost estimate'; Make = { 'a' | Start-SutroJob -Model m -Name t -EstimateCost @common }
                Body = '{"model":"m","job_priority":0,"name":"t","cost_estimate":true,"truncate_rows":true,"inputs":["a"]}' }
        ) {
            & $Make | Out-Null
            $post = @(Get-Submission)
            $post.Count | Should -Be 1
            $post[0].body | Should -BeExactly $Body
        }

        It 'accepts the job id under job_id (older deployments)' {
            Set-SubmissionScript @{ old_answer = $true }
            ('a' | Start-SutroJob -Model m @common).JobId | Should -BeExactly 'job_sub_0001'
        }

        It 'gives the job a name ps-<yyyyMMddHHmmss>-<random> when none is given' {
            $before = [DateTime]::UtcNow.AddSeconds(-1).ToString('yyyyMMddHHmmss')
            $job = 'a' | Start-SutroJob -Model m @common
            $job.Name | Should -MatchExactly '^ps-\d{14}-[a-z0-9]{6}$'
            $job.Name.Substring(3, 14) | Should -BeGreaterOrEqual $before
            (Get-Submission)[0].submission.name | Should -BeExactly $job.Name
        }

        It 'pipes into Wait-SutroJob and Get-SutroJobResult: each input with its output, in every format (<Format>)' -ForEach @(
            @{ Format = 'Json' }, @{ Format = 'Csv' }, @{ Format = 'Parquet' }
        ) {
            $rows = 'first', "second`nline", 'third' | Start-SutroJob -Model m @common |
                Wait-SutroJob @fast @common | Get-SutroJobResult -Format $Format -IncludeInput -IncludeCumulativeLogprob @common
            $rows.Input | Should -Be @('first', "second`nline", 'third')
            $rows.Output | Should -Be @('Echo 1: first', "Echo 2: second`nline", 'Echo 3: third')
            $rows.CumulativeLogprob | Should -Be @(-0.125, -0.25, -0.375)
        }

        It 'says rows, model, priority and name as the target of ShouldProcess' {
            $verbose = 'a', 'b' | Start-SutroJob -Model gpt-oss-20b -Priority 1 -Name t1 @common -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $verbose.Message | Should -Contain 'Performing the operation "Submit a batch job" on target "2 rows for model ''gpt-oss-20b'' at priority 1, as job ''t1''".'
            ($verbose.Message -join "`n") | Should -Not -Match ([regex]::Escape($server.Key))
        }

        It '-WhatIf sends nothing and writes nothing' {
            $out = 'a', 'b' | Start-SutroJob -Model m -WhatIf @common
            $out | Should -BeNullOrEmpty
            Get-MockRequest $server | Should -BeNullOrEmpty
        }
    }

    Context 'inputs from objects' {
        It '-InputProperty sends the named property of each object (PSCustomObject or hashtable)' {
            $tickets = @(
                [pscustomobject]@{ Id = 1; Body = 'Charged twice.' }
                @{ Id = 2; body = 'Login is down.' }
            )
            $tickets | Start-SutroJob -Model m -InputProperty Body @common | Out-Null
            (Get-Submission)[0].submission.inputs | Should -Be @('Charged twice.', 'Login is down.')
        }

        It 'a row without the -InputProperty property is InputPropertyMissing, naming the row, and nothing is sent' {
            $rows = [pscustomobject]@{ Body = 'ok' }, [pscustomobject]@{ Subject = 'no body' }, [pscustomobject]@{ Body = 'never read' }
            { $rows | Start-SutroJob -Model m -InputProperty Body @common } |
                Should -Throw -ErrorId "InputPropertyMissing$errorSuffix" -ExpectedMessage "Input row 2 has no property 'Body'. Nothing was sent. Check the name given to -InputProperty (the row's properties: Subject)."
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'a null -InputProperty value is InputPropertyMissing, naming the row' {
            $err = $null
            try { [pscustomobject]@{ Body = $null } | Start-SutroJob -Model m -InputProperty Body @common } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeExactly "InputPropertyMissing$errorSuffix"
            $err.Exception.Message | Should -BeLike 'Input row 1 has no value in its property ''Body'' (it is null). Nothing was sent.*'
            $err.TargetObject.PSObject.Properties.Name | Should -Be @('Body')
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It '-InputScript builds each input from $_' {
            $rows = [pscustomobject]@{ Subject = 'Refund'; Body = 'Charged twice.' }, [pscustomobject]@{ Subject = 'Outage'; Body = 'Down.' }
            $rows | Start-SutroJob -Model m -InputScript { "Subject: $($_.Subject)`n$($_.Body)" } @common | Out-Null
            (Get-Submission)[0].submission.inputs | Should -Be @("Subject: Refund`nCharged twice.", "Subject: Outage`nDown.")
        }

        It 'an -InputScript that returns nothing for a row is InputScriptFailed, and nothing is sent' {
            { 'a', 'b' | Start-SutroJob -Model m -InputScript { if ($_ -eq 'a') { 'A' } } @common } |
                Should -Throw -ErrorId "InputScriptFailed$errorSuffix" -ExpectedMessage '-InputScript returned 0 values for input row 2; it must return exactly one string. Nothing was sent.'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It '-ObjectRows sends whole objects as JSON objects (Function models)' {
            $rows = [pscustomobject]@{ id = 7; text = 'hi'; tags = @('a', 'b'); ok = $true }, ([ordered]@{ id = 8; text = $null })
            $job = $rows | Start-SutroJob -Model my-function -ObjectRows @common
            $inputs = (Get-Submission)[0].submission.inputs
            ($inputs | ForEach-Object { $_ | ConvertTo-Json -Compress }) | Should -Be @(
                '{"id":7,"text":"hi","tags":["a","b"],"ok":true}', '{"id":8,"text":null}')
            $result = Wait-SutroJob $job @fast @common | Get-SutroJobResult -IncludeInput @common
            $result.Input | Should -Be @('{"id":7,"text":"hi","tags":["a","b"],"ok":true}', '{"id":8,"text":null}')
        }

        It '-ObjectRows refuses a row that is not an object (InputNotObject)' {
            { 'text' | Start-SutroJob -Model m -ObjectRows @common } |
                Should -Throw -ErrorId "InputNotObject$errorSuffix" -ExpectedMessage 'Input row 1 is a String, not an object*'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'an object piped without -InputProperty, -InputScript or -ObjectRows is InputNotText' {
            { 'fine', [pscustomobject]@{ Body = 'x' } | Start-SutroJob -Model m @common } |
                Should -Throw -ErrorId "InputNotText$errorSuffix" -ExpectedMessage 'Input row 2 is a PSCustomObject, not text. Nothing was sent. Name the property*'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'no inputs at all is NoInputs, and nothing is sent' {
            { @() | Start-SutroJob -Model m @common } | Should -Throw -ErrorId "NoInputs$errorSuffix"
            Get-MockRequest $server | Should -BeNullOrEmpty
        }
    }

    Context 'validation before sending' {
        It 'refuses <Case>, and sends nothing' -ForEach @(
            @{ Case = 'a name over 45 characters'; Extra = @{ Name = 'n' * 46 }; Id = 'ParameterArgumentValidationError' }
            @{ Case = 'a description over 512 characters'; Extra = @{ Description = 'd' * 513 }; Id = 'ParameterArgumentValidationError' }
            @{ Case = 'priority 2'; Extra = @{ Priority = 2 }; Id = 'ParameterArgumentValidationError' }
            @{ Case = '-Wait with -EstimateCost'; Extra = @{ Wait = $true; EstimateCost = $true }; Id = 'ParameterConflict' }
            @{ Case = 'an -InputUrl that is not http(s)'; Extra = @{ InputUrl = 'ftp://example.com/x.parquet'; Column = 'c' }; Id = 'InputUrlInvalid' }
        ) {
            $p = @{ Model = 'm' } + $Extra
            $err = $null
            try { 'a' | Start-SutroJob @p @common } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'allows -IdColumn only with -InputUrl (and -Column)' {
            $parameters = (Get-Command Start-SutroJob).Parameters
            @($parameters.IdColumn.ParameterSets.Keys) | Should -Be @('Url')
            @($parameters.Column.ParameterSets.Keys) | Should -Be @('Url')
            $parameters.Column.ParameterSets.Url.IsMandatory | Should -BeTrue
        }

        It 'accepts a name of exactly 45 characters' {
            ('a' | Start-SutroJob -Model m -Name ('n' * 45) @common).Name | Should -BeExactly ('n' * 45)
        }

        It 'an answer of 422 is SubmissionRejected: no job was created' {
            Set-SubmissionScript @{ answer_status = 422; answer_body = '{"detail":"Unknown model"}' }
            'a' | Start-SutroJob -Model nope @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionRejected$errorSuffix"
            $err[0].Exception.Message | Should -BeLike '*The server said: Unknown model. No job was created: fix the request and submit it again.'
            $err[0].ErrorDetails | Should -BeNullOrEmpty -Because 'the answer gave no code or request id to quote'
            $err[0].Exception.Reference | Should -BeNullOrEmpty
        }

        It 'a refusal keeps the code and request id of the body, in the message and apart' {
            Set-SubmissionScript @{ answer_status = 422; answer_body = '{"detail":"Unknown model","code":"model_not_found","request_id":"req_8f2c"}' }
            'a' | Start-SutroJob -Model nope @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionRejected$errorSuffix"
            $support = "If you contact Sutro support, quote code 'model_not_found', request id 'req_8f2c'."
            $err[0].Exception.Message | Should -BeExactly ('The Sutro API answered 422 Unprocessable Entity. The server said: Unknown model. ' +
                "No job was created: fix the request and submit it again. $support")
            $err[0].ErrorDetails.Message | Should -BeExactly $err[0].Exception.Message
            $err[0].ErrorDetails.RecommendedAction | Should -BeExactly $support
            $err[0].Exception.Reference.Code | Should -BeExactly 'model_not_found'
            $err[0].Exception.Reference.RequestId | Should -BeExactly 'req_8f2c'
            $err[0].Exception.Reference.Detail | Should -BeExactly 'Unknown model'
            $err[0].TargetObject | Should -BeLike 'ps-*'
        }

        It 'an unknown outcome keeps the request id of the x-request-id header' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'batch-inference'; status = 503; body = '{"detail":"Busy"}'
                headers = @{ 'x-request-id' = 'edge-42' } } | Out-Null
            'a' | Start-SutroJob -Model m -Name busy @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionOutcomeUnknown$errorSuffix"
            $err[0].Exception.Message | Should -BeLike ("*The Sutro API failed with 503 Service Unavailable. The server said: Busy. Try again later. " +
                "If you contact Sutro support, quote request id 'edge-42'. It was not sent again*")
            $err[0].ErrorDetails.RecommendedAction | Should -BeExactly "If you contact Sutro support, quote request id 'edge-42'."
            $err[0].Exception.Reference.RequestId | Should -BeExactly 'edge-42'
            $err[0].Exception.Reference.Code | Should -BeNullOrEmpty
        }
    }

    Context 'the output schema' {
        BeforeAll {
            $script:schemaJson = '{"type":"object","properties":{"label":{"type":"string"},"score":{"type":"integer"}}}'
        }

        It 'is sent as a JSON object from <Source>' -ForEach @(
            @{ Source = 'a hashtable'; Make = { [ordered]@{ type = 'object'; properties = [ordered]@{ label = @{ type = 'string' }; score = @{ type = 'integer' } } } } }
            @{ Source = 'a PSCustomObject'; Make = { [pscustomobject]@{ type = 'object'; properties = [pscustomobject]@{ label = @{ type = 'string' }; score = @{ type = 'integer' } } } } }
            @{ Source = 'JSON text'; Make = { $schemaJson } }
            @{ Source = 'the path of a .json file'; Make = { $p = Join-Path $TestDrive 'schema.json'; Set-Content -LiteralPath $p -Value $schemaJson; $p } }
            @{ Source = 'a FileInfo'; Make = { $p = Join-Path $TestDrive 'schema2.json'; Set-Content -LiteralPath $p -Value $schemaJson; Get-Item $p } }
        ) {
            $job = 'a', 'b' | Start-SutroJob -Model m -OutputSchema (& $Make) @common
            ((Get-Submission)[0].submission.json_schema | ConvertTo-Json -Compress -Depth 5) | Should -BeExactly $schemaJson
            $job.JsonSchema | Should -BeExactly $schemaJson
            $rows = Wait-SutroJob $job @fast @common | Get-SutroJobResult -ExpandOutput @common
            $rows.label | Should -Be @('label 1', 'label 2')
            $rows.score | Should -Be @(1, 2)
        }

        It 'refuses <Case> (OutputSchemaInvalid), and sends nothing' -ForEach @(
            @{ Case = 'JSON that is not an object'; Value = '[1,2]'; Message = "-OutputSchema is neither JSON text*" }
            @{ Case = 'broken JSON'; Value = '{"type":'; Message = 'The JSON text of -OutputSchema is not valid JSON*' }
            @{ Case = 'a missing file'; Value = 'no-such-schema.json'; Message = "-OutputSchema is neither JSON text (starting with '{') nor the path of a JSON schema file: there is no file '*no-such-schema.json'." }
            @{ Case = 'a number'; Value = 5; Message = '-OutputSchema must be a hashtable or object, JSON text or the path of a .json file, not a Int32.' }
        ) {
            { 'a' | Start-SutroJob -Model m -OutputSchema $Value @common } | Should -Throw -ErrorId "OutputSchemaInvalid$errorSuffix" -ExpectedMessage $Message
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'refuses a schema file that holds a JSON array' {
            $p = Join-Path $TestDrive 'array.json'; Set-Content -LiteralPath $p -Value '[]'
            { 'a' | Start-SutroJob -Model m -OutputSchema $p @common } | Should -Throw -ErrorId "OutputSchemaInvalid$errorSuffix" -ExpectedMessage "The schema file '*array.json' is JSON, but not an object*"
        }
    }

    Context 'inputs from a file at a URL' {
        It 'sends the URL with column_name and id_column_name, and the job reads that column' {
            $link = (Invoke-RestMethod -Uri "$($server.Url)/v1/jobs/job_same_001/results-url?include_inputs=true" -Headers @{ Authorization = "Key $($server.Key)" }).urls.get
            Invoke-MockControl $server 'reset' | Out-Null
            $expected = (Get-SutroJobResult job_same_001 -IncludeInput @common).Input
            Invoke-MockControl $server 'reset' | Out-Null
            $job = Start-SutroJob -Model m -InputUrl $link -Column inputs -IdColumn row_id -Name from-file @common
            $s = (Get-Submission)[0].submission
            $s.inputs | Should -BeExactly $link
            $s.column_name | Should -BeExactly 'inputs'
            $s.id_column_name | Should -BeExactly 'row_id'
            $s.PSObject.Properties.Name | Should -Not -Contain 'input_count'
            (Get-MockRequest $server).path | Should -Not -Contain '/v1/get-quotas'  # the row count is not known here
            $rows = Wait-SutroJob $job @fast @common | Get-SutroJobResult -IncludeInput @common
            $rows.Input | Should -Be $expected
            $rows.row_id | Should -Be @('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7')
        }

        It 'names the host, never the pre-signed link, in the ShouldProcess target' {
            $link = 'https://storage.example.com/bucket/in.parquet?X-Amz-Signature=secret'
            $verbose = Start-SutroJob -Model m -InputUrl $link -Column text -Name f -WhatIf -Verbose @common 4>&1 6>&1 | Out-String
            Get-MockRequest $server | Should -BeNullOrEmpty
            $verbose | Should -Not -Match 'secret'
        }
    }

    Context 'a submission is never retried' {
        It 'a 524 after the job was created is SubmissionOutcomeUnknown, sent once, and Get-SutroJob -Name finds the job' {
            Set-SubmissionScript @{ answer_status = 524; answer_body = '<html><head><title>524: A timeout occurred</title></head></html>' }
            'a', 'b' | Start-SutroJob -Model m -Name nightly-tickets -MaxRetryCount 3 @common -ErrorVariable err -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionOutcomeUnknown$errorSuffix"
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].TargetObject | Should -BeExactly 'nightly-tickets'
            $err[0].Exception.Message | Should -BeLike "The submission of job 'nightly-tickets' may or may not have created the job: The Sutro API failed with 524 *524: A timeout occurred*It was not sent again, since a second submission could create a second job and double the cost. Look for the job before submitting again: Get-SutroJob -Name 'nightly-tickets'"
            (Get-Submission).Count | Should -Be 1
            $found = Get-SutroJob -Name nightly-tickets @common
            $found.JobId | Should -BeExactly 'job_sub_0001'
            $found.Rows | Should -Be 2
        }

        It 'a cut connection is SubmissionOutcomeUnknown too, and the generated name finds the job' {
            Set-SubmissionScript @{ cut_connection = $true }
            'a' | Start-SutroJob -Model m @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionOutcomeUnknown$errorSuffix"
            $err[0].Exception.Message | Should -Match "Get-SutroJob -Name '(ps-\d{14}-[a-z0-9]{6})'$"
            $name = [regex]::Match($err[0].Exception.Message, "-Name '([^']+)'").Groups[1].Value
            (Get-Submission).Count | Should -Be 1
            (Get-SutroJob -Name $name @common).JobId | Should -BeExactly 'job_sub_0001'
            (Get-SutroJob -Name 'ps-*' @common).JobId | Should -Be @('job_sub_0001')
        }

        It 'an answer that takes longer than -ConnectionTimeoutSeconds after the upload is SubmissionOutcomeUnknown' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'batch-inference'; delay_ms = 3000 } | Out-Null
            'a' | Start-SutroJob -Model m -Name slow -ConnectionTimeoutSeconds 1 @common -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeExactly "SubmissionOutcomeUnknown$errorSuffix"
            $err[0].Exception.Message | Should -BeLike "*: no answer came within 1 s of the upload's end. It was not sent again*"
            (Get-Submission).Count | Should -Be 1
        }
    }

    Context 'quotas' {
        It 'warns when the rows exceed the row quota of the priority, and still submits' {
            $job = 1..10001 | ForEach-Object { "row $_" } | Start-SutroJob -Model m -Priority 1 @common -WarningVariable warned 3>$null
            $warned.Count | Should -Be 1
            $warned[0].Message | Should -BeExactly ('The job has 10001 rows, more than the row quota of priority 1 (10000 rows). ' +
                'The API may refuse it or run it only in part; split the inputs into smaller jobs if it does (see Get-SutroQuota).')
            $job.Rows | Should -Be 10001
            (Get-Submission)[0].submission.input_count | Should -Be 10001
        }

        It 'does not warn within the quota' {
            1..10000 | ForEach-Object { "row $_" } | Start-SutroJob -Model m -Priority 1 @common -WarningVariable warned 3>$null | Out-Null
            $warned.Count | Should -Be 0
        }

        It 'submits without a check when the quotas cannot be read' {
            Invoke-MockControl $server 'faults' -Body @{ path = 'get-quotas'; status = 500; times = -1 } | Out-Null
            $job = 'a' | Start-SutroJob -Model m -MaxRetryCount 0 @common -WarningVariable warned 3>$null
            $warned.Count | Should -Be 0
            $job.JobId | Should -BeExactly 'job_sub_0001'
        }
    }

    Context '-EstimateCost and -Wait' {
        It '-EstimateCost submits a dry run, waits for it and writes the estimate with the rows and the model' {
            $estimate = 'a', 'bb', 'ccc' | Start-SutroJob -Model gpt-oss-20b -EstimateCost @fast @common
            $estimate.PSObject.TypeNames[0] | Should -Be 'Sutro.CostEstimate'
            $estimate.EstimatedCost | Should -Be ([decimal]'0.00306')   # 3 rows x 0.001 + 6 characters x 0.00001
            $estimate.Rows | Should -Be 3
            $estimate.Model | Should -BeExactly 'gpt-oss-20b'
            $estimate.JobId | Should -BeExactly 'job_sub_0001'
            (Get-Submission)[0].submission.cost_estimate | Should -BeTrue
            (Get-SutroJob job_sub_0001 @common).Cost | Should -BeNullOrEmpty
        }

        It '-Wait writes the job once it has succeeded' {
            $job = 'a' | Start-SutroJob -Model m -Wait @fast @common
            $job.Status | Should -BeExactly 'SUCCEEDED'
            $job.JobId | Should -BeExactly 'job_sub_0001'
        }

        It '-Wait on a job that fails is JobFailed, as with Wait-SutroJob' {
            Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING', 'FAILED'); failure_reason = @{ message = 'Model ran out of memory' } }
            'a' | Start-SutroJob -Model m -Name oom -Wait @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "JobFailed$errorSuffix"
            $err[0].TargetObject | Should -BeExactly 'job_sub_0001'
            $err[0].Exception.Message | Should -BeExactly "Job 'job_sub_0001' (oom) failed: Model ran out of memory. It has no results; fix the cause and submit it again."
        }

        It '-Wait -TimeoutSec stops waiting with WaitTimedOut; the job keeps running' {
            Set-SubmissionScript @{ statuses = @('QUEUED', 'RUNNING') }
            'a' | Start-SutroJob -Model m -Wait -TimeoutSec 1 @fast @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly "WaitTimedOut$errorSuffix"
            (Get-SutroJob job_sub_0001 @common).Status | Should -BeExactly 'RUNNING'
        }
    }
}

Describe 'Get-SutroJob -Name' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'filters the list by name, with wildcards and case-insensitively' {
        (Get-SutroJob -Name ticket-triage @common).JobId | Should -Be @('job_demo_001')
        (Get-SutroJob -Name 'STILL-*' @common).JobId | Should -Be @('job_running_001')
        Get-SutroJob -Name 'no-such-*' @common | Should -BeNullOrEmpty
    }
}
