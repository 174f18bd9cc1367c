# Test-SutroConnection against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $ProgressPreference = 'SilentlyContinue'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Test-SutroConnection' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    It 'answers $true when the key is accepted, with one try-authentication call' {
        $answer = Test-SutroConnection -ApiUrl $server.Url -ApiKey $server.Key
        $answer | Should -BeOfType [bool]
        $answer | Should -BeTrue
        (Get-MockRequest $server).path | Should -Be @('/v1/try-authentication')
    }

    It 'answers $false, without an error, for a refused key' {
        $answer = Test-SutroConnection -ApiUrl $server.Url -ApiKey 'sk_wrong' -ErrorVariable err
        $answer | Should -BeOfType [bool]
        $answer | Should -BeFalse
        $err | Should -BeNullOrEmpty
    }

    It 'answers $false, without an error and without a request, when no key is found' {
        $answer = Test-SutroConnection -ApiUrl $server.Url -ErrorVariable err
        $answer | Should -BeFalse
        $err | Should -BeNullOrEmpty
        Get-MockRequest $server | Should -BeNullOrEmpty
    }

    It 'answers $false for {"authenticated": false}' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'try-authentication'; status = 200; body = '{"authenticated": false}' } | Out-Null
        Test-SutroConnection -ApiUrl $server.Url -ApiKey $server.Key | Should -BeFalse
    }

    It '-Detailed says which URL and which key source were used, never the key' {
        $env:SUTRO_API_URL = $server.Url
        $env:SUTRO_API_KEY = $server.Key
        $detail = Test-SutroConnection -Detailed
        $detail.PSObject.TypeNames[0] | Should -Be 'Sutro.Connection'
        $detail.ApiUrl.AbsoluteUri | Should -BeExactly "$($server.Url)/v1/"
        $detail.KeySource | Should -BeExactly 'the environment (SUTRO_API_URL, SUTRO_API_KEY)'
        $detail.Authenticated | Should -BeTrue
        ($detail | Format-List * | Out-String) | Should -Not -Match $server.Key

        $none = Test-SutroConnection -ApiUrl 'https://deploy.example.com' -Detailed
        $none.ApiUrl.AbsoluteUri | Should -BeExactly 'https://deploy.example.com/v1/'
        $none.KeySource | Should -BeExactly '(no key found)'
        $none.Authenticated | Should -BeFalse
    }

    It 'is an error, not an answer, when the API cannot be reached' {
        $err = @(Get-TerminatingError { $answer = Test-SutroConnection -ApiUrl 'http://127.0.0.1:1' -ApiKey $server.Key -MaxRetryCount 0 })
        $answer | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ConnectionFailed,Sutro.Commands.TestSutroConnectionCommand'
    }

    It 'is an error for a URL the rules refuse' {
        $err = @(Get-TerminatingError { Test-SutroConnection -ApiUrl 'http://deploy.example.com' -ApiKey $server.Key })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'SettingsInvalid,Sutro.Commands.TestSutroConnectionCommand'
    }
}
