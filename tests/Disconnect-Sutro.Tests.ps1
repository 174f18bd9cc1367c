# Disconnect-Sutro against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $ProgressPreference = 'SilentlyContinue'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Disconnect-Sutro' {
    BeforeEach {
        Invoke-MockControl $server 'reset' | Out-Null
        $script:settings = Enter-SutroTestSettings
    }

    AfterEach {
        Exit-SutroTestSettings $settings
    }

    It 'forgets the connection: the next call has no URL' {
        Connect-Sutro $server.Url $server.Key
        Disconnect-Sutro | Should -BeNullOrEmpty
        $err = @(Get-TerminatingError { Get-SutroJob job_12345 })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'ApiUrlNotSet,Sutro.Commands.GetSutroJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'falls back to the environment' {
        Connect-Sutro $server.Url $server.Key
        $env:SUTRO_API_URL = "http://localhost:$(([uri]$server.Url).Port)"
        $env:SUTRO_API_KEY = $server.Key
        (Test-SutroConnection -Detailed).KeySource | Should -BeExactly 'Connect-Sutro'
        Disconnect-Sutro
        $now = Test-SutroConnection -Detailed
        $now.KeySource | Should -BeExactly 'the environment (SUTRO_API_URL, SUTRO_API_KEY)'
        $now.ApiUrl.Host | Should -BeExactly 'localhost'
    }

    It 'is quiet when there is no connection' {
        Disconnect-Sutro -ErrorVariable err
        $err | Should -BeNullOrEmpty
    }
}
