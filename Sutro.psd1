@{
    RootModule           = 'Sutro.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6b6a3d6e-17cd-4f69-9c3a-5e2d1b0a7c41'
    Author               = 'Sutro for PowerShell contributors'
    CompanyName          = 'Sutro for PowerShell'
    Copyright            = '(c) Sutro for PowerShell contributors. MIT License.'
    Description          = 'PowerShell client of the Sutro batch LLM-inference service: fetch, export and import job results (JSON, zipped CSV, Parquet) as pipeline objects, streamed, with bounded memory.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Clear-SutroCache'
        'Connect-Sutro'
        'Disconnect-Sutro'
        'Export-SutroJobResult'
        'Get-SutroCache'
        'Get-SutroJob'
        'Get-SutroJobResult'
        'Get-SutroJobResultLink'
        'Get-SutroQuota'
        'Import-SutroJobResult'
        'Invoke-SutroBatch'
        'Join-SutroJobResult'
        'Set-SutroApiUrl'
        'Start-SutroJob'
        'Stop-SutroJob'
        'Test-SutroConnection'
        'Wait-SutroJob'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Sutro', 'LLM', 'Batch', 'Inference', 'Parquet', 'CSV', 'JSON', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/sutro-sh/sutro-powershell'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
