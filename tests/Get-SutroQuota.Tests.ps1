# Get-SutroQuota against the mock Sutro server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:server = Start-SutroMockServer
    $script:common = @{ ApiUrl = $server.Url; ApiKey = $server.Key }
    $ProgressPreference = 'SilentlyContinue'
}

AfterAll {
    Stop-SutroMockServer $server
}

Describe 'Get-SutroQuota' {
    BeforeEach { Invoke-MockControl $server 'reset' | Out-Null }

    It 'writes one Sutro.Quota per priority' {
        $quotas = Get-SutroQuota @common
        $quotas.Count | Should -Be 2
        $quotas[0].PSObject.TypeNames[0] | Should -Be 'Sutro.Quota'
        $quotas.Priority | Should -Be @(0, 1)
        $quotas.RowQuota | Should -Be @(100000, 10000)
        $quotas.TokenQuota | Should -Be @(50000000, 5000000)
        $quotas[0].RowQuota | Should -BeOfType [long]
        (Get-MockRequest $server).path | Should -Be @('/v1/get-quotas')
    }

    It 'sorts by priority and tolerates nulls and unknown keys' {
        Invoke-MockControl $server 'faults' -Body @{
            path = 'get-quotas'; status = 200
            body = '{"quotas": [{"priority": 1, "row_quota": null, "token_quota": 7, "burst": 2}, {"priority": 0, "row_quota": 5}]}'
        } | Out-Null
        $quotas = Get-SutroQuota @common
        $quotas.Priority | Should -Be @(0, 1)
        $quotas[0].RowQuota | Should -Be 5
        $quotas[0].TokenQuota | Should -BeNullOrEmpty
        $quotas[1].RowQuota | Should -BeNullOrEmpty
        $quotas[1].TokenQuota | Should -Be 7
    }

    It 'an answer it cannot read is InvalidApiResponse' {
        Invoke-MockControl $server 'faults' -Body @{ path = 'get-quotas'; status = 200; body = '{"detail": "maintenance"}' } | Out-Null
        Get-SutroQuota @common -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidApiResponse,Sutro.Commands.GetSutroQuotaCommand'
    }

    It 'a wrong key is AuthenticationFailed' {
        $err = @(Get-TerminatingError { Get-SutroQuota -ApiUrl $server.Url -ApiKey 'sk_wrong' })
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'AuthenticationFailed,Sutro.Commands.GetSutroQuotaCommand'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'has a table view' {
        $PSStyle.OutputRendering = 'PlainText'
        $lines = (Get-SutroQuota @common | Out-String -Width 200) -split "`r?`n" | Where-Object { $_.Trim() }
        $lines[0].TrimEnd() | Should -BeExactly 'Priority        RowQuota         TokenQuota'
        $lines[2].TrimEnd() | Should -BeExactly '       0          100000           50000000'
    }
}
