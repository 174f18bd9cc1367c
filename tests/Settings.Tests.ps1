# Where every cmdlet finds its URL and key, highest first: -ApiUrl/-ApiKey, Connect-Sutro, the environment
# pair, ~/.sutro/config.json, the central host. The mock server answers on two spellings of its origin
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

        It 'nothing: the central host, and an error that names every place looked at' {
            Get-SutroJob -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            $message = $err[0].Exception.Message
            foreach ($place in 'https://api.sutro.sh/', '-ApiKey', 'Connect-Sutro', 'SUTRO_API_URL', 'SUTRO_API_KEY', $configPath) {
                $message | Should -BeLike "*$place*"
            }
            (Test-SutroConnection -Detailed).ApiUrl.AbsoluteUri | Should -BeExactly 'https://api.sutro.sh/'
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

        It '-ApiKey alone goes to the URL the settings give' {
            $env:SUTRO_API_URL = $urlB
            $c = Test-SutroConnection -ApiKey $server.Key -Detailed
            $c.ApiUrl.AbsoluteUri, $c.KeySource, $c.Authenticated | Should -Be @("$urlB/v1/", '-ApiUrl/-ApiKey', $true)
        }

        It 'one environment variable takes both from the environment: the file''s key is not used' {
            Set-SutroConfig @{ api_url = $urlA; api_key = $server.Key }
            $env:SUTRO_API_URL = $urlA
            Get-SutroJob job_12345 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'a broken settings file does not matter while a higher source answers' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value '{ broken'
            $env:SUTRO_API_URL = $urlA; $env:SUTRO_API_KEY = $server.Key
            (Get-SutroJob job_12345).JobId | Should -BeExactly 'job_12345'
            Remove-Item Env:SUTRO_API_URL, Env:SUTRO_API_KEY
            Get-SutroJob job_12345 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
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
            @{ Given = '{0}/custom/base'; Expected = '{0}/custom/base/' }
        ) {
            (Test-SutroConnection -ApiUrl ($Given -f $urlA) -Detailed).ApiUrl.AbsoluteUri | Should -BeExactly ($Expected -f $urlA)
        }

        It 'sends every request beneath the normalised URL: <Given>' -ForEach @(
            @{ Given = '{0}'; Path = '/v1/jobs/job_12345' }
            @{ Given = '{0}/v1/'; Path = '/v1/jobs/job_12345' }
            @{ Given = '{0}/custom/base'; Path = '/custom/base/jobs/job_12345' }
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
        ) {
            Get-SutroJob job_12345 -ApiUrl $Url -ApiKey $server.Key -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeLike $Reason
            $err[0].Exception.Message | Should -Not -Match 'hunter2'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'refuses a bad SUTRO_API_URL and names the variable' {
            $env:SUTRO_API_URL = 'http://deploy.example.com'; $env:SUTRO_API_KEY = $server.Key
            Get-SutroJob -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -BeLike 'SUTRO_API_URL:*plain http*'
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
            Get-SutroJob job_12345 -ApiUrl $storage -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            $err[0].Exception.Message | Should -Not -Match $server.Key
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'the settings file''s key does not follow SUTRO_API_URL to another host' {
            Set-SutroConfig @{ api_url = $server.Url; api_key = $server.Key }
            $env:SUTRO_API_URL = $storage
            Get-SutroJob -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
            Get-MockRequest $server | Should -BeNullOrEmpty
        }
    }
}
