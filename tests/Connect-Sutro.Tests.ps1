# Connect-Sutro and the settings file it shares with the Python CLI, against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $ProgressPreference = 'SilentlyContinue'
    $script:v1 = "$($server.Url)/v1/"
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Connect-Sutro' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
        $script:configPath = Join-Path $settings.Home '.sutro' 'config.json'
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    It 'checks the pair with try-authentication and keeps it for the session' {
        $connection = Connect-Sutro $server.Url $server.Key -PassThru
        $connection.PSObject.TypeNames[0] | Should -Be 'Sutro.Connection'
        $connection.ApiUrl.AbsoluteUri | Should -BeExactly $v1
        $connection.KeySource | Should -BeExactly 'Connect-Sutro'
        $connection.Authenticated | Should -BeTrue
        $connection.PSObject.Properties.Name | Should -Be @('ApiUrl', 'KeySource', 'Authenticated')

        (Get-SutroJob job_12345).Name | Should -BeExactly 'small'
        $log = Get-MockRequest $server
        $log.path | Should -Be @('/v1/try-authentication', '/v1/jobs/job_12345')
        $log | ForEach-Object { $_.authorization | Should -BeExactly "Key $($server.Key)" }
        Test-Path -LiteralPath $configPath | Should -BeFalse -Because 'without -Save nothing is written'
    }

    It 'writes nothing without -PassThru' {
        Connect-Sutro -ApiUrl $server.Url -ApiKey $server.Key | Should -BeNullOrEmpty
    }

    It 'takes the key as a SecureString' {
        $secure = ConvertTo-SecureString $server.Key -AsPlainText -Force
        (Connect-Sutro -ApiUrl $server.Url -ApiKey $secure -PassThru).Authenticated | Should -BeTrue
    }

    It 'refuses a wrong key with AuthenticationFailed, keeps the previous connection, and never shows the key' {
        Connect-Sutro $server.Url $server.Key
        $bad = 'sk_wrong_key_do_not_print'
        $err = $null
        try { Connect-Sutro "http://localhost:$(([uri]$server.Url).Port)" $bad -Save -Verbose 4>&1 | Out-Null }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Sutro.Commands.ConnectSutroCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($err | Out-String) | Should -Not -Match $bad
        Test-Path -LiteralPath $configPath | Should -BeFalse
        $kept = Test-SutroConnection -Detailed
        $kept.ApiUrl.AbsoluteUri | Should -BeExactly $v1
        $kept.KeySource | Should -BeExactly 'Connect-Sutro'
        $kept.Authenticated | Should -BeTrue
    }

    It 'refuses a URL the rules forbid before sending anything' -ForEach @(
        @{ Url = 'http://deploy.example.com'; Reason = 'plain http' }
        @{ Url = 'https://user:pa55word@deploy.example.com'; Reason = 'user name or password' }
        @{ Url = 'https://deploy.example.com/v1?x=1'; Reason = 'query' }
        @{ Url = 'deploy.example.com'; Reason = 'absolute' }
        @{ Url = 'https://deploy.example.com/api'; Reason = 'must be a Sutro deployment origin or end at its /v1 API prefix' }
    ) {
        { Connect-Sutro $Url $server.Key } | Should -Throw -ErrorId 'SettingsInvalid,Sutro.Commands.ConnectSutroCommand' -ExpectedMessage "*$Reason*"
        Get-MockRequest $server | Should -BeNullOrEmpty
    }

    It 'refuses the retired host <Url> before sending anything, with the way forward' -ForEach @(
        @{ Url = 'https://api.sutro.sh' }, @{ Url = 'https://serve.sutro.sh/v1' }, @{ Url = 'https://api.materialized.dev' }
    ) {
        { Connect-Sutro $Url $server.Key -Save -Proxy $server.Url } |
            Should -Throw -ErrorId 'RetiredApiHost,Sutro.Commands.ConnectSutroCommand' -ExpectedMessage '*API Keys panel*'
        Get-MockRequest $server | Should -BeNullOrEmpty
        Test-Path -LiteralPath $configPath | Should -BeFalse
    }

    It 'trims the whitespace around a key and sends the key alone' {
        Connect-Sutro $server.Url "`t$($server.Key)`n" -Save
        (Get-MockRequest $server).authorization | Should -Be @("Key $($server.Key)")
        (Get-Content -LiteralPath $configPath -Raw | ConvertFrom-Json).api_key | Should -BeExactly $server.Key
    }

    It 'refuses a key with a line break inside before sending anything, and never shows it' {
        $err = $null
        $bad = "sk_live_abc`r`nX-Injected: evil"
        try { Connect-Sutro $server.Url $bad -Save } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.ConnectSutroCommand'
        $err.Exception.Message | Should -BeLike 'The API key from -ApiKey holds a control character*'
        ($err | Out-String) | Should -Not -Match 'sk_live|Injected'
        Get-MockRequest $server | Should -BeNullOrEmpty
        Test-Path -LiteralPath $configPath | Should -BeFalse
    }

    It 'never writes the key to output, verbose or the error stream' {
        $all = Connect-Sutro $server.Url $server.Key -PassThru -Verbose *>&1 | Out-String
        $all | Should -Not -BeNullOrEmpty
        $all | Should -Not -Match $server.Key
    }

    Context '-Save' {
        It 'writes ~/.sutro/config.json with api_url and api_key, as the Python CLI reads it' {
            Connect-Sutro $server.Url $server.Key -Save
            $saved = Get-Content -LiteralPath $configPath -Raw | ConvertFrom-Json -AsHashtable
            $saved.Keys | Sort-Object | Should -Be @('api_key', 'api_url')
            $saved.api_url | Should -BeExactly "$($server.Url)/v1"
            $saved.api_key | Should -BeExactly $server.Key
            (Get-ChildItem -LiteralPath (Split-Path $configPath) -Force).Name | Should -Be @('config.json') -Because 'the temporary file was renamed'
        }

        It 'makes the file 0600 in a 0700 folder' -Skip:$IsWindows {
            Connect-Sutro $server.Url $server.Key -Save
            (Get-Item -LiteralPath $configPath -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item -LiteralPath (Split-Path $configPath) -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }

        It 'leaves the mode of a folder it did not create' -Skip:$IsWindows {
            $folder = New-Item -ItemType Directory -Path (Split-Path $configPath)
            $folder.UnixFileMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute'
            Connect-Sutro $server.Url $server.Key -Save
            (Get-Item -LiteralPath $folder.FullName -Force).UnixFileMode |
                Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute')
            (Get-Item -LiteralPath $configPath -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }

        It 'writes through a linked config.json: the link stays, its target gets the settings' -Skip:$IsWindows {
            $dotfiles = New-Item -ItemType Directory -Path (Join-Path $settings.Home 'dotfiles')
            $dotfiles.UnixFileMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
            $target = Join-Path $dotfiles.FullName 'sutro.json'
            Set-Content -LiteralPath $target -Value '{"api_url": "https://old.example.com", "api_key": "sk_old", "theme": "dark"}'
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            New-Item -ItemType SymbolicLink -Path $configPath -Target $target | Out-Null

            Connect-Sutro $server.Url $server.Key -Save

            (Get-Item -LiteralPath $configPath -Force).LinkTarget | Should -BeExactly $target
            $saved = Get-Content -LiteralPath $target -Raw | ConvertFrom-Json -AsHashtable
            $saved.api_url, $saved.api_key, $saved.theme | Should -Be @("$($server.Url)/v1", $server.Key, 'dark')
            (Get-ChildItem -LiteralPath $dotfiles.FullName -Force).Name | Should -Be @('sutro.json')
            (Get-Item -LiteralPath $dotfiles.FullName).UnixFileMode |
                Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        }

        It 'writes through a linked ~/.sutro folder and leaves its mode alone' -Skip:$IsWindows {
            $real = New-Item -ItemType Directory -Path (Join-Path $settings.Home 'synced' 'sutro')
            $real.UnixFileMode = [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
            New-Item -ItemType SymbolicLink -Path (Split-Path $configPath) -Target $real.FullName | Out-Null

            Connect-Sutro $server.Url $server.Key -Save

            (Get-Item -LiteralPath (Split-Path $configPath) -Force).LinkTarget | Should -BeExactly $real.FullName
            (Get-Content -LiteralPath (Join-Path $real.FullName 'config.json') -Raw | ConvertFrom-Json).api_key | Should -BeExactly $server.Key
            (Get-Item -LiteralPath $real.FullName).UnixFileMode |
                Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        }

        It 'replaces a settings file whose api_key is given twice, keeping one api_key' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value '{"api_url": "https://old.example.com", "api_key": "sk_a", "api_key": "sk_b"}'
            Connect-Sutro $server.Url $server.Key -Save -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $text = Get-Content -LiteralPath $configPath -Raw
            ([regex]::Matches($text, '"api_key"')).Count | Should -Be 1
            ($text | ConvertFrom-Json).api_key | Should -BeExactly $server.Key
        }

        It 'keeps keys it does not know and points an older base_url at the same deployment' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value '{"base_url": "https://old.example.com", "api_key": "sk_old", "default_model": "llama-3.1-8b", "extra": {"a": [1, 2]}}'
            Connect-Sutro $server.Url $server.Key -Save
            $saved = Get-Content -LiteralPath $configPath -Raw | ConvertFrom-Json -AsHashtable
            $saved.Keys | Sort-Object | Should -Be @('api_key', 'api_url', 'base_url', 'default_model', 'extra')
            $saved.api_url | Should -BeExactly "$($server.Url)/v1"
            $saved.base_url | Should -BeExactly "$($server.Url)/v1"
            $saved.api_key | Should -BeExactly $server.Key
            $saved.default_model | Should -BeExactly 'llama-3.1-8b'
            $saved.extra.a | Should -Be @(1, 2)
        }

        It 'is what a later session finds when it has no connection' {
            Connect-Sutro $server.Url $server.Key -Save
            Disconnect-Sutro
            $found = Test-SutroConnection -Detailed
            $found.KeySource | Should -BeExactly $configPath
            $found.ApiUrl.AbsoluteUri | Should -BeExactly $v1
            $found.Authenticated | Should -BeTrue
            (Get-SutroJob job_12345).JobId | Should -BeExactly 'job_12345'
        }

        It 'reports a settings file it cannot read, and stays connected' {
            New-Item -ItemType Directory -Path (Split-Path $configPath) | Out-Null
            Set-Content -LiteralPath $configPath -Value '{ this is not json'
            Connect-Sutro $server.Url $server.Key -Save -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsNotSaved,Sutro.Commands.ConnectSutroCommand'
            $err[0].TargetObject | Should -BeExactly $configPath
            Get-Content -LiteralPath $configPath -Raw | Should -BeExactly "{ this is not json$([Environment]::NewLine)"
            (Test-SutroConnection -Detailed).KeySource | Should -BeExactly 'Connect-Sutro'
        }
    }

    Context '-Proxy' {
        # A second mock server stands for the proxy: it answers requests sent to it in proxy form itself, and its
        # request log shows what went through it.
        BeforeAll {
            $script:proxy = Start-SutroMockServer
        }
        AfterAll {
            Stop-SutroMockServer $proxy
        }
        BeforeEach {
            Invoke-MockControl $proxy 'reset' | Out-Null
        }

        It 'sends a call with -Proxy through the proxy, not straight to the API' {
            (Get-SutroJob job_12345 -ApiUrl $server.Url -ApiKey $server.Key -Proxy $proxy.Url).JobId | Should -BeExactly 'job_12345'
            (Get-MockRequest $proxy).path | Should -Be @('/v1/jobs/job_12345')
            Get-MockRequest $server | Should -BeNullOrEmpty
        }

        It 'checks through the proxy and keeps it for the session; a call''s own -Proxy wins; Disconnect-Sutro forgets it' {
            Connect-Sutro $server.Url $server.Key -Proxy $proxy.Url
            (Get-SutroJob job_12345).Name | Should -BeExactly 'small'
            $through = Get-MockRequest $proxy
            $through.path | Should -Be @('/v1/try-authentication', '/v1/jobs/job_12345')
            $through | ForEach-Object { $_.authorization | Should -BeExactly "Key $($server.Key)" }
            Get-MockRequest $server | Should -BeNullOrEmpty

            # The API server itself named as the proxy of one call: that call reaches it, not the session's proxy.
            (Get-SutroJob job_12345 -Proxy $server.Url).JobId | Should -BeExactly 'job_12345'
            (Get-MockRequest $server).path | Should -Be @('/v1/jobs/job_12345')
            @(Get-MockRequest $proxy).Count | Should -Be 2

            Disconnect-Sutro
            (Get-SutroJob job_12345 -ApiUrl $server.Url -ApiKey $server.Key).JobId | Should -BeExactly 'job_12345'
            @(Get-MockRequest $proxy).Count | Should -Be 2
            @(Get-MockRequest $server).Count | Should -Be 2
        }

        It 'is never written to the settings file by -Save' {
            Connect-Sutro $server.Url $server.Key -Proxy $proxy.Url -Save
            $saved = Get-Content -LiteralPath $configPath -Raw | ConvertFrom-Json -AsHashtable
            $saved.Keys | Sort-Object | Should -Be @('api_key', 'api_url')
            $saved.api_url | Should -BeExactly "$($server.Url)/v1"
            Get-Content -LiteralPath $configPath -Raw | Should -Not -Match ([regex]::Escape(([uri]$proxy.Url).Authority))
        }
    }
}
