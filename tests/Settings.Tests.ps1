# Where every cmdlet finds its URL and key, highest first: -ApiUrl/-ApiKey, Connect-Sutro, the environment
# pair, ~/.sutro/config.json; there is no default URL. The mock server answers on two spellings of its origin
# (127.0.0.1 and localhost), so each source can name its own URL and the winner shows in -Detailed.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $ProgressPreference = 'SilentlyContinue'
    $script:port = ([uri]$server.Url).Port
    $script:urlA = "http://127.0.0.1:$port"
    $script:urlB = "http://localhost:$port"
    $script:envSource = 'the environment (SUTRO_API_URL, SUTRO_API_KEY)'

    function Set-SutroConfig([hashtable]$Values) {
        $folder = Join-Path $settings.Home '.sutro'
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        $Values | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $folder 'config.json')
    }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Settings' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
        $script:configPath = Join-Path $settings.Home '.sutro' 'config.json'
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    Context 'each source on its own' {
        It 'the call''s -ApiUrl and -ApiKey' {
            $c = Test-SutroConnection -ApiUrl $urlA -ApiKey $server.Key -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlA/v1/", '-ApiUrl/-ApiKey', $true)
        }

        It 'Connect-Sutro' {
            Connect-Sutro $urlB $server.Key
            $c = Test-SutroConnection -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", 'Connect-Sutro', $true)
        }

        It 'SUTRO_API_URL and SUTRO_API_KEY' {
            $env:SUTRO_API_URL = $urlB; $env:SUTRO_API_KEY = $server.Key
            $c = Test-SutroConnection -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", $envSource, $true)
        }

        It '~/.sutro/config.json with api_url' {
            Set-SutroConfig @{ api_url = $urlA; api_key = $server.Key }
            $c = Test-SutroConnection -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlA/v1/", $configPath, $true)
            (Get-SutroJob job_12345).JobId | Should -BeExactly 'job_12345'
        }

        It '~/.sutro/config.json with the older base_url, and api_url before it' {
            Set-SutroConfig @{ base_url = $urlB; api_key = $server.Key }
            (Test-SutroConnection -Detailed).ApiUrl.AbsoluteUri | Should -BeExactly "$urlB/v1/"
            Set-SutroConfig @{ base_url = $urlB; api_url = $urlA; api_key = $server.Key }
            (Test-SutroConnection -Detailed).ApiUrl.AbsoluteUri | Should -BeExactly "$urlA/v1/"
        }

        It 'nothing: no URL, an error before any request that says where to set one' {
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.GetSutroJobCommand'
            $message = $err[0].Exception.Message
            foreach ($place in 'SUTRO_API_URL', 'Connect-Sutro', '-ApiUrl', $configPath, 'API Keys panel') {
                $message | Should -BeLike "*$place*"
            }
            $message | Should -Not -BeLike '*sutro.sh*'
            $err = @(Get-TerminatingError { Test-SutroConnection -Detailed })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.TestSutroConnectionCommand'
        }

        It 'a key alone (SUTRO_API_KEY, or the file''s api_key) goes nowhere' {
            $env:SUTRO_API_KEY = $server.Key
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike '*SUTRO_API_KEY is set but SUTRO_API_URL is not*'
            Remove-Item Env:SUTRO_API_KEY
            Set-SutroConfig @{ api_key = $server.Key }
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.GetSutroJobCommand'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }
    }

    Context 'precedence' {
        It 'the environment wins over the settings file' {
            Set-SutroConfig @{ api_url = $urlA; api_key = $server.Key }
            $env:SUTRO_API_URL = $urlB; $env:SUTRO_API_KEY = $server.Key
            $c = Test-SutroConnection -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource | Should -Be @("$urlB/v1/", $envSource)
        }

        It 'Connect-Sutro wins over the environment and the settings file' {
            Set-SutroConfig @{ api_url = $urlB; api_key = 'sk_config' }
            $env:SUTRO_API_URL = $urlB; $env:SUTRO_API_KEY = 'sk_env'
            Connect-Sutro $urlA $server.Key
            $c = Test-SutroConnection -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlA/v1/", 'Connect-Sutro', $true)
        }

        It 'the call''s -ApiUrl/-ApiKey win over everything' {
            Set-SutroConfig @{ api_url = $urlA; api_key = 'sk_config' }
            $env:SUTRO_API_URL = $urlA; $env:SUTRO_API_KEY = 'sk_env'
            Connect-Sutro $urlA $server.Key
            $c = Test-SutroConnection -ApiUrl $urlB -ApiKey $server.Key -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", '-ApiUrl/-ApiKey', $true)
        }

        It '-ApiUrl alone takes the key of the first source configured for that same URL' {
            Connect-Sutro $urlA $server.Key
            $env:SUTRO_API_URL = "$urlB/v1"; $env:SUTRO_API_KEY = $server.Key
            $c = Test-SutroConnection -ApiUrl $urlB -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", $envSource, $true)
        }

        It '-ApiKey alone goes to the URL of SUTRO_API_URL or the connection' {
            $env:SUTRO_API_URL = $urlB
            $c = Test-SutroConnection -ApiKey $server.Key -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", '-ApiUrl/-ApiKey', $true)
            Connect-Sutro $urlA $server.Key
            $c = Test-SutroConnection -ApiKey $server.Key -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlA/v1/", '-ApiUrl/-ApiKey', $true)
        }

        It '-ApiKey alone never goes to the URL saved in the settings file' {
            Set-SutroConfig @{ api_url = $urlA; api_key = 'sk_saved' }
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 -ApiKey $server.Key })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike "*never to the URL saved in $configPath*"
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'a settings file with api_key twice uses the last one, as the Python CLI does' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value "{`"api_url`": `"$urlA`", `"api_key`": `"sk_first`", `"api_key`": `"$($server.Key)`"}"
            (Get-SutroJob job_12345).JobId | Should -BeExactly 'job_12345'
            (Get-MockRequest $server).authorization | Should -Be @("Key $($server.Key)")
        }

        It 'one environment variable takes both from the environment: the file''s key is not used' {
            Set-SutroConfig @{ api_url = $urlA; api_key = $server.Key }
            $env:SUTRO_API_URL = $urlA
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'a broken settings file does not matter while a higher source answers' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value '{ broken'
            $env:SUTRO_API_URL = $urlA; $env:SUTRO_API_KEY = $server.Key
            (Get-SutroJob job_12345).JobId | Should -BeExactly 'job_12345'
            Remove-Item Env:SUTRO_API_URL, Env:SUTRO_API_KEY
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike "*$configPath*not valid JSON*"
        }
    }

    Context 'URL rules' {
        It 'normalises <Given> to <Expected>' -ForEach @(
            @{ Given = '{0}'; Expected = '{0}/v1/' }
            @{ Given = '{0}/'; Expected = '{0}/v1/' }
            @{ Given = '{0}/v1'; Expected = '{0}/v1/' }
            @{ Given = '{0}/v1/'; Expected = '{0}/v1/' }
        ) {
            (Test-SutroConnection -ApiUrl ($Given -f $urlA) -Detailed).ApiUrl.AbsoluteUri | Should -BeExactly ($Expected -f $urlA)
        }

        It 'sends every request beneath the normalised URL: <Given>' -ForEach @(
            @{ Given = '{0}'; Path = '/v1/jobs/job_12345' }
            @{ Given = '{0}/v1/'; Path = '/v1/jobs/job_12345' }
        ) {
            Get-SutroJob job_12345 -ApiUrl ($Given -f $urlA) -ApiKey $server.Key -ErrorAction SilentlyContinue | Out-Null
            (Get-MockRequest $server).path | Should -Be @($Path)
        }

        It 'refuses <Name> before sending anything' -ForEach @(
            @{ Name = 'plain http to another host'; Url = 'http://deploy.example.com'; Reason = '*plain http*' }
            @{ Name = 'user:password@'; Url = 'https://ops:hunter2@deploy.example.com'; Reason = '*user name or password*' }
            @{ Name = 'a query'; Url = 'https://deploy.example.com/v1?key=1'; Reason = '*query*' }
            @{ Name = 'a fragment'; Url = 'https://deploy.example.com/v1#x'; Reason = '*fragment*' }
            @{ Name = 'a relative URL'; Url = 'deploy.example.com/v1'; Reason = '*absolute*' }
            @{ Name = 'a path other than /v1'; Url = '{0}/custom/base'; Reason = '*must be a Sutro deployment origin or end at its /v1 API prefix*' }
            @{ Name = 'a path below /v1'; Url = '{0}/v1/jobs'; Reason = '*must be a Sutro deployment origin or end at its /v1 API prefix*' }
        ) {
            $Url = $Url -f $urlA
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 -ApiUrl $Url -ApiKey $server.Key })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeLike $Reason
            $err[0].Exception.Message | Should -Not -Match 'hunter2'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'refuses the retired host <Url> from <Source> before sending anything' -ForEach @(
            @{ Source = '-ApiUrl'; Url = 'http://api.sutro.sh' }
            @{ Source = '-ApiUrl'; Url = 'https://eu.api.sutro.sh/v1' }
            @{ Source = 'SUTRO_API_URL'; Url = 'https://serve.sutro.sh' }
            @{ Source = 'api_url'; Url = 'https://api.materialized.dev' }
            @{ Source = 'base_url'; Url = 'https://api.sutro.sh' }
            @{ Source = 'base_url'; Url = 'https://team--tensor-factory-fastapi-app.modal.run' }
        ) {
            # Through the mock server as the proxy: any request the module tried would show in its log.
            $call = @{ Proxy = $server.Url }
            switch ($Source) {
                '-ApiUrl' { $call.ApiUrl = $Url; $call.ApiKey = $server.Key }
                'SUTRO_API_URL' { $env:SUTRO_API_URL = $Url; $env:SUTRO_API_KEY = $server.Key }
                default { Set-SutroConfig @{ $Source = $Url; api_key = $server.Key } }
            }
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 @call })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'RetiredApiHost,Sutro.Commands.GetSutroJobCommand'
            $expectedStart = if ($Source -in 'api_url', 'base_url') { "$configPath ($Source): " } else { "${Source}: " }
            $err[0].Exception.Message | Should -BeLike "$expectedStart*retired Sutro host*your Sutro deployment's URL*API Keys panel*"
            $err[0].Exception.Message | Should -Not -Match $server.Key
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'refuses a bad SUTRO_API_URL and names the variable' {
            $env:SUTRO_API_URL = 'http://deploy.example.com'; $env:SUTRO_API_KEY = $server.Key
            $err = @(Get-TerminatingError { Get-SutroJob })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike 'SUTRO_API_URL:*plain http*'
        }
    }

    Context 'the key itself' {
        It 'loses the surrounding whitespace a key file leaves (<Source>)' -ForEach @(
            @{ Source = '-ApiKey' }, @{ Source = 'SUTRO_API_KEY' }, @{ Source = 'the settings file' }, @{ Source = 'Connect-Sutro' }
        ) {
            $padded = " $($server.Key)`r`n"
            $call = @{}
            switch ($Source) {
                '-ApiKey' { $call.ApiUrl = $urlA; $call.ApiKey = $padded }
                'SUTRO_API_KEY' { $env:SUTRO_API_URL = $urlA; $env:SUTRO_API_KEY = $padded }
                'the settings file' { Set-SutroConfig @{ api_url = $urlA; api_key = $padded } }
                'Connect-Sutro' { Connect-Sutro $urlA $padded; Invoke-MockControl $server 'reset' | Out-Null }
            }
            (Get-SutroJob job_12345 @call).JobId | Should -BeExactly 'job_12345'
            (Get-MockRequest $server).authorization | Should -Be @("Key $($server.Key)")
        }

        It 'is refused with a control character inside, naming <Source> and never the key' -ForEach @(
            @{ Source = '-ApiKey'; Named = '-ApiKey' }
            @{ Source = 'SUTRO_API_KEY'; Named = 'SUTRO_API_KEY' }
            @{ Source = 'the settings file'; Named = '{0} (api_key)' }
        ) {
            $bad = "sk_live_0123`r`nX-Injected: evil"
            $call = @{}
            switch ($Source) {
                '-ApiKey' { $call.ApiUrl = $urlA; $call.ApiKey = $bad }
                'SUTRO_API_KEY' { $env:SUTRO_API_URL = $urlA; $env:SUTRO_API_KEY = $bad }
                'the settings file' { Set-SutroConfig @{ api_url = $urlA; api_key = $bad } }
            }
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 @call })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike "The API key from $($Named -f $configPath) holds a control character*"
            ($err[0] | Out-String) | Should -Not -Match 'sk_live|Injected'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'is redacted from an error body that escapes it (<Name>)' -ForEach @(
            @{ Name = 'a JSON string'; Body = '{{"detail": "Bad key: Key {0}"}}' }
            @{ Name = 'a JSON object'; Body = '{{"detail": {{"msg": "Bad key", "key": "{0}"}}}}' }
            @{ Name = 'plain text'; Body = 'Bad key: {0}' }
        ) {
            # The key with its underscores escaped as JSON may write them (\u005f), one of them in upper case.
            $escaped = $server.Key.Replace('_', '\u005f') -replace '\\u005f(?=test)', '\u005F'
            Invoke-MockControl $server 'faults' -Body @{ path = '/v1/jobs/job_12345'; status = 400; body = ($Body -f $escaped) } | Out-Null
            Get-SutroJob job_12345 -ApiUrl $urlA -ApiKey $server.Key -ErrorVariable err -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $message = $err[0].Exception.Message
            $message | Should -BeLike '*Bad key*'
            $message.Contains('***') | Should -BeTrue
            $message | Should -Not -Match ([regex]::Escape($server.Key))
            $message | Should -Not -Match ([regex]::Escape($escaped))
            $message | Should -Not -Match '0123456789abcdef'
        }
    }

    Context 'the key never reaches a second origin' {
        BeforeEach {
            $script:storage = $server.StorageUrl
        }

        It 'is not sent along a redirect to another origin' {
            Invoke-MockControl $server 'faults' -Body @{ path = '/v1/jobs/job_12345'; redirect_to = 'storage'; status = 302 } | Out-Null
            Get-SutroJob job_12345 -ApiUrl $server.Url -ApiKey $server.Key -ErrorAction SilentlyContinue | Out-Null
            $log = Get-MockRequest $server
            $log.origin | Should -Be @('api', 'storage')
            $log[0].authorization | Should -BeExactly "Key $($server.Key)"
            $log[1].authorization | Should -BeNullOrEmpty
            ($log[1].headers | ConvertTo-Json -Compress) | Should -Not -Match $server.Key
        }

        It 'a key from <Source> is not used for another URL' -ForEach @(
            @{ Source = 'Connect-Sutro' }, @{ Source = 'the environment' }, @{ Source = 'the settings file' }
        ) {
            switch ($Source) {
                'Connect-Sutro' { Connect-Sutro $server.Url $server.Key }
                'the environment' { $env:SUTRO_API_URL = $server.Url; $env:SUTRO_API_KEY = $server.Key }
                'the settings file' { Set-SutroConfig @{ api_url = $server.Url; api_key = $server.Key } }
            }
            Invoke-MockControl $server 'reset' | Out-Null
            $err = @(Get-TerminatingError { Get-SutroJob job_12345 -ApiUrl $storage })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -Not -Match $server.Key
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'the settings file''s key does not follow SUTRO_API_URL to another host' {
            Set-SutroConfig @{ api_url = $server.Url; api_key = $server.Key }
            $env:SUTRO_API_URL = $storage
            $err = @(Get-TerminatingError { Get-SutroJob })
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }
    }
}
