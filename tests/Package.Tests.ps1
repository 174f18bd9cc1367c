# The package of ./build.ps1 -Task Package, installed as a user would: a local file repository,
# Install-PSResource, then Import-Module Sutro by name in a fresh pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:manifestPath = $env:SUTRO_TEST_MODULE
    $script:manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
    $script:version = $manifest.ModuleVersion
    $script:package = if ($env:SUTRO_TEST_PACKAGE) { $env:SUTRO_TEST_PACKAGE }
    else { Join-Path (Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $manifestPath))) "Sutro.$version.nupkg" }
    if (-not (Test-Path -LiteralPath $package)) { throw "No package at $($package): run ./build.ps1 -Task Package first." }

    # The release notes a gallery should show: this version's section of CHANGELOG.md.
    $changelog = (Get-Content -LiteralPath (Join-Path $PSScriptRoot '..' 'CHANGELOG.md') -Raw) -replace "`r`n", "`n"
    $m = [regex]::Match($changelog, "(?ms)^##\s+$([regex]::Escape($version))\b[^\n]*\n(.*?)(?=^##\s|\z)")
    $script:releaseNotes = $m.Groups[1].Value.Trim()

    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [System.IO.Compression.ZipFile]::OpenRead($package)
    try {
        $script:entries = @($zip.Entries | ForEach-Object FullName)
        $reader = [System.IO.StreamReader]::new(($zip.Entries | Where-Object FullName -EQ 'Sutro.nuspec').Open())
        $script:nuspec = [xml]$reader.ReadToEnd()
        $reader.Dispose()
    }
    finally { $zip.Dispose() }
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest and carries what a gallery page shows' {
        $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $info.Description | Should -Not -BeNullOrEmpty
        $info.Tags | Should -Contain 'PSEdition_Core'
        $info.ProjectUri.AbsoluteUri | Should -Match '^https://'
        $info.LicenseUri.AbsoluteUri | Should -Match '^https://'
        $releaseNotes | Should -Not -BeNullOrEmpty
        ($info.ReleaseNotes -replace "`r`n", "`n") | Should -BeExactly $releaseNotes
    }
}

Describe 'The package' {
    It 'is a nupkg whose nuspec holds the manifest''s metadata and CHANGELOG.md''s release notes' {
        $meta = $nuspec.package.metadata
        $meta.id | Should -BeExactly 'Sutro'
        $meta.version | Should -BeExactly $version
        $meta.description | Should -BeExactly $manifest.Description
        $meta.projectUrl | Should -BeExactly $manifest.PrivateData.PSData.ProjectUri
        $meta.licenseUrl | Should -BeExactly $manifest.PrivateData.PSData.LicenseUri
        ($meta.releaseNotes -replace "`r`n", "`n") | Should -BeExactly $releaseNotes
        $tags = $meta.tags -split ' '
        foreach ($tag in $manifest.PrivateData.PSData.Tags) { $tags | Should -Contain $tag }
    }

    It 'holds the module folder: manifest, loader, assemblies, formats and compiled help, and nothing of PowerShell' {
        foreach ($file in 'Sutro.psd1', 'LICENSE', 'Sutro.psm1', 'Sutro.Format.ps1xml', 'bin/Sutro.Loader.dll', 'bin/Sutro.dll', 'bin/Parquet.dll', 'en-US/Sutro.dll-Help.xml', 'en-US/about_Sutro.help.txt') {
            $entries | Should -Contain $file
        }
        $entries | Should -Not -Contain 'bin/System.Management.Automation.dll'
    }

    It 'ships exactly the assemblies of the published module, each once' {
        # A new dependency must be added here on purpose: what ships is reviewed, never picked up by accident.
        $expected = 'CommunityToolkit.HighPerformance.dll', 'K4os.Compression.LZ4.dll',
            'Microsoft.IO.RecyclableMemoryStream.dll', 'Parquet.dll', 'Sep.dll', 'Snappier.dll', 'Sutro.Loader.dll',
            'Sutro.dll', 'System.IO.Hashing.dll', 'ZstdSharp.dll', 'csFastFloat.dll'
        $shipped = @($entries | Where-Object { $_ -like 'bin/*' } | ForEach-Object { $_.Substring(4) } | Sort-Object)
        $shipped | Should -BeExactly ($expected | Sort-Object)
        $built = @(Get-ChildItem -LiteralPath (Join-Path (Split-Path -Parent $env:SUTRO_TEST_MODULE) 'bin') |
            ForEach-Object Name | Sort-Object)
        $built | Should -BeExactly ($expected | Sort-Object)
    }
}

Describe 'Installing the package as a user would' {
    BeforeAll {
        $script:server = Start-SutroMockServer
        # A fresh user: its own home, so the repository list and the CurrentUser module folder are
        # temporary, never the account's own.
        $script:userHome = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')).FullName
        $script:repository = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'repository')).FullName
        $script:saved = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'saved-modules')).FullName
        $script:userEnvironment = @{
            HOME = $userHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null
            PSModulePath = $null; SUTRO_API_URL = $null; SUTRO_API_KEY = $null
        }
    }
    AfterAll {
        Stop-SutroMockServer $server
    }

    It 'installs from a local file repository and runs Get-SutroJobResult after Import-Module Sutro' {
        Copy-Item -LiteralPath $package -Destination $repository

        # Register, find, install, unregister. On Windows the CurrentUser folder cannot be redirected,
        # so the same package is installed with Save-PSResource into a temporary module folder instead.
        $install = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name SutroTestLocal -Uri $(ConvertTo-PowerShellLiteral $repository) -Trusted
try {
    `$found = Find-PSResource -Name Sutro -Repository SutroTestLocal
    if (`$IsWindows) {
        Save-PSResource -Name Sutro -Repository SutroTestLocal -Path $(ConvertTo-PowerShellLiteral $saved) -TrustRepository
        `$modules = $(ConvertTo-PowerShellLiteral $saved)
    }
    else {
        `$installed = Install-PSResource -Name Sutro -Repository SutroTestLocal -Scope CurrentUser -TrustRepository -PassThru
        `$modules = `$installed.InstalledLocation
    }
    [pscustomobject]@{ Found = [string]`$found.Version; Modules = `$modules } | ConvertTo-Json -Compress
}
finally {
    Unregister-PSResourceRepository -Name SutroTestLocal
}
"@
        $run = Invoke-ChildPwsh -Command $install -Environment $userEnvironment
        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $installed = $run.StdOut | ConvertFrom-Json
        $installed.Found | Should -BeExactly $version
        $installed.Modules | Should -Not -BeNullOrEmpty
        if (-not $IsWindows) { $installed.Modules | Should -BeLike "$userHome*" }
        Test-Path -LiteralPath (Join-Path $installed.Modules 'Sutro' $version 'Sutro.psd1') | Should -BeTrue

        # A fresh pwsh that finds the module by name on its module path only.
        $use = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module Sutro
Import-Module $(ConvertTo-PowerShellLiteral (Join-Path $PSScriptRoot 'TestHelpers.psm1'))
`$rows = Get-SutroJobResult -JobId job_12345 -Format Parquet -IncludeInput -IncludeCumulativeLogprob -Raw -ApiUrl $(ConvertTo-PowerShellLiteral $server.Url) -ApiKey $(ConvertTo-PowerShellLiteral $server.Key)
[pscustomobject]@{
    ModuleBase = (Get-Module Sutro).ModuleBase
    Rows       = (`$rows | ConvertTo-CanonicalRows)
    Synopsis   = (Get-Help Get-SutroJobResult).Synopsis
} | ConvertTo-Json -Compress
"@
        $environment = $userEnvironment.Clone()
        $environment.PSModulePath = $installed.Modules + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        $run = Invoke-ChildPwsh -Command $use -Environment $environment
        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $result = $run.StdOut | ConvertFrom-Json
        $result.ModuleBase | Should -BeExactly (Join-Path $installed.Modules 'Sutro' $version)
        $result.Rows | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
        $result.Synopsis | Should -BeExactly 'Gets the results of a finished Sutro batch job, one object per result row.'
    }
}
