# Set-SutroApiUrl: the URL saved in ~/.sutro/config.json (a temporary HOME), the key of another deployment
# removed with a warning, -WhatIf/-Confirm, -PassThru, and what the other cmdlets then use.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $ProgressPreference = 'SilentlyContinue'
    $script:command = 'Sutro.Commands.SetSutroApiUrlCommand'
    $script:secret = 'sk_saved_key_never_printed_42'

    # The bytes the module writes: indented JSON, LF line ends, one final LF.
    function Get-Expected([string[]]$Lines) { ($Lines -join "`n") + "`n" }
    function Get-Config { [IO.File]::ReadAllText($configPath) }
    function Set-Config([string]$Text) {
        New-Item -ItemType Directory -Path (Split-Path $configPath) -Force | Out-Null
        [IO.File]::WriteAllText($configPath, $Text)
    }
    # Every stream of a call, as text: the key must be in none of it.
    function Invoke-AllStreams([scriptblock]$Script) { & $Script *>&1 | Out-String -Width 400 }
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Set-SutroApiUrl' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
        $script:configPath = Join-Path $settings.Home '.sutro' 'config.json'
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    It 'creates the file with the normalised URL, owner-only, and writes nothing' {
        Set-SutroApiUrl -ApiUrl https://sutro.example.com | Should -BeNullOrEmpty
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://sutro.example.com/v1"', '}')
        if (-not $IsWindows) {
            (Get-Item -LiteralPath $configPath -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item -LiteralPath (Split-Path $configPath) -Force).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }
        Get-MockRequest $server | Should -BeNullOrEmpty -Because 'nothing is sent over the network'
    }

    It 'keeps the key, without a warning, when the URL names the same deployment (<Url>)' -ForEach @(
        @{ Url = 'https://SUTRO.example.com/v1/' }, @{ Url = 'https://sutro.example.com' }, @{ Url = ' https://sutro.example.com/v1 ' }
    ) {
        Set-Config "{`"api_key`": `"$secret`", `"api_url`": `"https://sutro.example.com`", `"theme`": {`"dark`": true}}"
        $out = Set-SutroApiUrl $Url -PassThru -WarningVariable warned
        $warned | Should -BeNullOrEmpty
        Get-Config | Should -BeExactly (Get-Expected '{', "  `"api_key`": `"$secret`",", '  "api_url": "https://sutro.example.com/v1",',
            '  "theme": {', '    "dark": true', '  }', '}')
        $out.PSObject.TypeNames[0] | Should -BeExactly 'Sutro.SavedApiUrl'
        $out.PSObject.Properties.Name | Should -Be @('ApiUrl', 'ConfigPath', 'KeySaved')
        $out.ApiUrl.AbsoluteUri | Should -BeExactly 'https://sutro.example.com/v1/'
        $out.ConfigPath | Should -BeExactly $configPath
        $out.KeySaved | Should -BeTrue
    }

    It 'removes the key saved for another deployment, says so, and never prints the key' {
        Set-Config "{`"api_url`": `"https://old.example.com/v1`", `"api_key`": `"$secret`", `"other`": 1}"
        $text = Invoke-AllStreams { Set-SutroApiUrl https://new.example.com -PassThru -Verbose -WarningVariable script:warned -OutVariable script:out }
        $text | Should -Not -Match $secret
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ("The API key saved in $configPath was removed: it was saved for " +
            'https://old.example.com/v1, and a key belongs to one deployment. Save a key for https://new.example.com/v1 ' +
            'with Connect-Sutro -ApiUrl https://new.example.com/v1 -ApiKey <key> -Save.')
        $out.KeySaved | Should -BeFalse
        $out.ApiUrl.AbsoluteUri | Should -BeExactly 'https://new.example.com/v1/'
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://new.example.com/v1",', '  "other": 1', '}')
    }

    It 'follows the older base_url, and points it at the new deployment too' {
        Set-Config "{`"base_url`": `"https://old.example.com`", `"api_key`": `"$secret`"}"
        Set-SutroApiUrl https://new.example.com -WarningAction SilentlyContinue -WarningVariable warned
        $warned[0].Message | Should -BeLike '*it was saved for https://old.example.com/v1, and a key belongs to one deployment.*'
        Get-Config | Should -BeExactly (Get-Expected '{', '  "base_url": "https://new.example.com/v1",', '  "api_url": "https://new.example.com/v1"', '}')
    }

    It 'removes a key saved without a URL, or with a URL the rules refuse, never echoing that text (<Was>)' -ForEach @(
        @{ Saved = '{"api_key": "sk_saved_key_never_printed_42"}'; Was = 'no URL' }
        @{ Saved = '{"api_url": "https://api.sutro.sh/v1/", "api_key": "sk_saved_key_never_printed_42"}'; Was = 'https://api.sutro.sh' }
        @{ Saved = '{"api_url": "sk_saved_key_never_printed_42", "api_key": "sk_saved_key_never_printed_42"}'; Was = 'a URL the module does not accept' }
        @{ Saved = '{"api_url": "https://me:sk_saved_key_never_printed_42@old.example.com", "api_key": "sk_other"}'; Was = 'a URL the module does not accept' }
    ) {
        Set-Config $Saved
        Set-SutroApiUrl https://new.example.com -WarningAction SilentlyContinue -WarningVariable warned
        $warned[0].Message | Should -BeLike "*it was saved for $Was, and a key belongs to one deployment.*"
        $warned[0].Message | Should -Not -Match 'sk_saved_key_never_printed_42'
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://new.example.com/v1"', '}')
    }

    It 'takes the URL from the pipeline and as -BaseUrl' {
        'https://piped.example.com' | Set-SutroApiUrl
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://piped.example.com/v1"', '}')
        Set-SutroApiUrl -BaseUrl https://alias.example.com/v1
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://alias.example.com/v1"', '}')
    }

    It 'refuses a URL the rules forbid (<Reason>) and leaves the file as it was' -ForEach @(
        @{ Url = 'http://sutro.example.com'; Id = 'SettingsInvalid'; Reason = 'plain http' }
        @{ Url = 'https://user:pa55word@sutro.example.com'; Id = 'SettingsInvalid'; Reason = 'user name or password' }
        @{ Url = 'https://sutro.example.com/api'; Id = 'SettingsInvalid'; Reason = 'must be a Sutro deployment origin or end at its /v1 API prefix' }
        @{ Url = 'sutro.example.com'; Id = 'SettingsInvalid'; Reason = 'absolute' }
        @{ Url = 'https://api.sutro.sh'; Id = 'RetiredApiHost'; Reason = 'retired Sutro host' }
    ) {
        $before = "{`"api_url`": `"https://old.example.com/v1`", `"api_key`": `"$secret`"}"
        Set-Config $before
        { Set-SutroApiUrl $Url } | Should -Throw -ErrorId "$Id,$command" -ExpectedMessage "*$Reason*"
        Get-Config | Should -BeExactly $before
    }

    It 'creates no file for a refused URL' {
        { Set-SutroApiUrl http://sutro.example.com } | Should -Throw -ErrorId "SettingsInvalid,$command"
        Test-Path -LiteralPath $configPath | Should -BeFalse
    }

    It 'refuses a settings file that is not JSON, and leaves it as it was' {
        Set-Config '{"api_url": '
        { Set-SutroApiUrl https://sutro.example.com } | Should -Throw -ErrorId "SettingsInvalid,$command" -ExpectedMessage '*is not valid JSON*'
        Get-Config | Should -BeExactly '{"api_url": '
    }

    It 'is SettingsNotSaved when the file cannot be written' {
        Set-Content -LiteralPath (Join-Path $settings.Home '.sutro') -Value 'a file where the folder should be'
        { Set-SutroApiUrl https://sutro.example.com } | Should -Throw -ErrorId "SettingsNotSaved,$command" -ExpectedMessage '*Could not create the folder*'
    }

    It 'writes nothing with -WhatIf, and says the key would be removed' {
        $before = "{`"api_url`": `"https://old.example.com/v1`", `"api_key`": `"$secret`"}"
        Set-Config $before
        $script = "Import-Module $(ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE); Set-SutroApiUrl https://new.example.com -WhatIf -PassThru"
        $run = Invoke-ChildPwsh -Command $script -Environment @{ HOME = $settings.Home; USERPROFILE = $settings.Home; SUTRO_API_URL = $null; SUTRO_API_KEY = $null }
        $run.ExitCode | Should -Be 0
        $run.StdErr | Should -BeNullOrEmpty
        ($run.StdOut -replace '\s+', ' ').Trim() | Should -BeExactly ('What if: Performing the operation "Save the API URL ' +
            'https://new.example.com/v1 and remove the API key saved for https://old.example.com/v1" on target "' + $configPath + '".')
        Get-Config | Should -BeExactly $before
    }

    It 'says only the URL with -WhatIf when the key stays' {
        Set-Config "{`"api_url`": `"https://same.example.com/v1`", `"api_key`": `"$secret`"}"
        $script = "Import-Module $(ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE); Set-SutroApiUrl https://same.example.com -WhatIf"
        $run = Invoke-ChildPwsh -Command $script -Environment @{ HOME = $settings.Home; USERPROFILE = $settings.Home; SUTRO_API_URL = $null; SUTRO_API_KEY = $null }
        ($run.StdOut -replace '\s+', ' ').Trim() | Should -BeExactly ('What if: Performing the operation "Save the API URL ' +
            'https://same.example.com/v1" on target "' + $configPath + '".')
    }

    It 'supports -Confirm with a Medium impact' {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Set-SutroApiUrl))
        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'Medium'
        Set-SutroApiUrl https://sutro.example.com -Confirm:$false
        Get-Config | Should -BeExactly (Get-Expected '{', '  "api_url": "https://sutro.example.com/v1"', '}')
    }

    It 'is the URL the other cmdlets then use, and a key is never sent to a new deployment' {
        Connect-Sutro $server.Url $server.Key -Save
        Disconnect-Sutro
        (Get-SutroJob job_12345).Name | Should -BeExactly 'small'

        # The same mock, spelt as another host: another deployment as far as the key is concerned.
        $mock = [uri]$server.Url
        $other = 'http://' + $(if ($mock.Host -eq 'localhost') { '127.0.0.1' } else { 'localhost' }) + ':' + $mock.Port
        Set-SutroApiUrl $other -WarningAction SilentlyContinue -WarningVariable warned
        $warned.Count | Should -Be 1
        Invoke-MockControl $server 'reset' | Out-Null
        $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiKeyNotFound,Sutro.Commands.GetSutroJobCommand'
        Get-MockRequest $server | Should -BeNullOrEmpty
        (Get-Content -LiteralPath $configPath -Raw) | Should -Not -Match ([regex]::Escape($server.Key))

        Connect-Sutro $other $server.Key -Save
        Disconnect-Sutro
        (Get-SutroJob job_12345).Name | Should -BeExactly 'small'
        Set-SutroApiUrl "$other/v1/" -PassThru -WarningVariable warned | ForEach-Object KeySaved | Should -BeTrue
        $warned | Should -BeNullOrEmpty
    }

    It 'warns when this session stays connected to another URL' {
        Connect-Sutro $server.Url $server.Key
        Set-SutroApiUrl https://sutro.example.com -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ("This session stays connected to $($server.Url)/v1 (Connect-Sutro), which comes " +
            'before the settings file. Run Disconnect-Sutro to use the saved URL.')
        Set-SutroApiUrl $server.Url -WarningVariable warned
        $warned | Should -BeNullOrEmpty -Because 'the connection is to the URL just saved'
    }

    It 'warns when the environment comes before the file (<Name>)' -ForEach @(
        @{ Name = 'SUTRO_API_URL'; Value = 'https://env.example.com' }, @{ Name = 'SUTRO_API_KEY'; Value = 'sk_env_only' }
    ) {
        [Environment]::SetEnvironmentVariable($Name, $Value)
        Set-SutroApiUrl https://sutro.example.com -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeExactly ('SUTRO_API_URL or SUTRO_API_KEY is set in this session''s environment, and the ' +
            'environment comes before the settings file (when either is set, both are taken from it). Clear both to use the saved URL.')
        $warned[0].Message | Should -Not -Match 'sk_env_only'
    }

    It 'does not warn when SUTRO_API_URL is the URL saved' {
        $env:SUTRO_API_URL = 'https://sutro.example.com/v1/'
        Set-SutroApiUrl https://sutro.example.com -WarningVariable warned
        $warned | Should -BeNullOrEmpty
    }
}
