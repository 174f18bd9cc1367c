#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the Sutro module.
.DESCRIPTION
    Run it with the PowerShell pinned in .config/dotnet-tools.json:
        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Demo
        dotnet pwsh ./build.ps1 -Task Test
    Tasks:
      Build   assembles the importable module in output/Sutro/<version>/: the assemblies, the manifest
              (with ReleaseNotes taken from CHANGELOG.md), the format file and the help compiled from
              docs/en-US/ (fails if the help does not match the cmdlets).
      Test    builds and packages, runs xunit and Pester, prints 'Tests: N passed, N failed, N skipped' last.
      Demo    builds, starts the mock Sutro server and runs a realistic pipeline against it.
      Package builds, then writes output/Sutro.<version>.nupkg, which Install-PSResource installs from a
              local file repository (Register-PSResourceRepository -Uri <folder>).
      Bench   builds, generates results of -Rows rows (default 1,000,000, and 100,000) in every format into a
              temporary folder, and measures Get-, Import- and Export-SutroJobResult against the pipeline floor
              and the built-in ways (Invoke-WebRequest, Expand-Archive, Import-Csv, Invoke-RestMethod), each in a
              fresh pwsh, median of -Runs runs: time, rows/s and peak memory. Prints the table and writes it to
              output/bench/. -SkipSlow leaves out the built-in JSON way (half a minute and gigabytes at 1M rows).
              Never part of Test, and it asserts nothing.
      Mock    builds, starts the built-in mock Sutro server on 127.0.0.1:-Port (default 8765) and keeps it
              running until Ctrl+C, printing its URL, its key and commands to try from another pwsh.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench', 'Mock')]
    [string]$Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string]$Configuration = 'Release',

    # Bench: rows of the large run (a run of 100,000 rows is always made too).
    [ValidateRange(1000, 10000000)]
    [int]$Rows = 1000000,

    # Bench: runs of each case; the median counts.
    [ValidateRange(1, 15)]
    [int]$Runs = 3,

    # Bench: leave out the built-in JSON way.
    [switch]$SkipSlow,

    # Mock: the loopback port of the mock server's API (0 picks a free one).
    [ValidateRange(0, 65535)]
    [int]$Port = 8765
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $root 'Sutro.psd1')
$version = $manifest.ModuleVersion
$moduleDir = Join-Path $root 'output' 'Sutro' $version
$packagePath = Join-Path $root 'output' "Sutro.$version.nupkg"

function Invoke-Dotnet {
    # A simple function (not advanced), so dotnet's own switches such as -v:quiet pass through untouched.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
    $env:DOTNET_NOLOGO = '1'
    # The whole solution (tests and tools too), so a Test run finds everything built.
    Invoke-Dotnet build (Join-Path $root 'Sutro.Module.sln') -c $Configuration "-p:Version=$version" '-nologo' '--verbosity' 'quiet' '-clp:NoSummary;ErrorsOnly'

    # The module ships what `dotnet publish` gives for the loader and the module, each into a clean folder:
    # Sutro.dll and every library it depends on, never PowerShell's own assemblies (PrivateAssets="all").
    $publish = Join-Path $root 'output' 'publish'
    if (Test-Path -LiteralPath $publish) { Remove-Item -LiteralPath $publish -Recurse -Force }
    foreach ($project in 'Sutro.Loader', 'Sutro') {
        Invoke-Dotnet publish (Join-Path $root 'src' $project "$project.csproj") -c $Configuration --no-build `
            "-p:Version=$version" -o (Join-Path $publish $project) '-nologo' '--verbosity' 'quiet' '-clp:NoSummary;ErrorsOnly'
    }

    if (Test-Path -LiteralPath $moduleDir) { Remove-Item -LiteralPath $moduleDir -Recurse -Force }
    $bin = New-Item -ItemType Directory -Path (Join-Path $moduleDir 'bin') -Force
    Copy-Item -LiteralPath (Join-Path $root 'Sutro.psd1'), (Join-Path $root 'LICENSE') -Destination $moduleDir
    Copy-Item -LiteralPath (Join-Path $root 'src' 'Sutro.psm1'), (Join-Path $root 'src' 'Sutro.Format.ps1xml') -Destination $moduleDir
    Copy-Item -LiteralPath (Join-Path $publish 'Sutro.Loader' 'Sutro.Loader.dll') -Destination $bin
    Get-ChildItem -LiteralPath (Join-Path $publish 'Sutro') -Filter '*.dll' | Copy-Item -Destination $bin
    $foreign = Get-ChildItem -LiteralPath $bin -Filter 'System.Management.Automation.dll'
    if ($foreign) { throw "The publish output holds PowerShell's own System.Management.Automation.dll; it must never ship." }
    Set-ReleaseNote -Manifest (Join-Path $moduleDir 'Sutro.psd1')
    & (Join-Path $root 'tools' 'Build-Help.ps1') -ModulePath (Join-Path $moduleDir 'Sutro.psd1') `
        -DocsPath (Join-Path $root 'docs' 'en-US') -OutputPath (Join-Path $moduleDir 'en-US')
    Write-Host "Built module: $moduleDir"
}

function Get-ReleaseNote {
    # The CHANGELOG.md section of this version: the lines under '## <version>' up to the next '## '.
    $lines = Get-Content -LiteralPath (Join-Path $root 'CHANGELOG.md')
    $start = -1
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match "^##\s+$([regex]::Escape($version))(\s|$)") { $start = $i + 1; break }
    }
    if ($start -lt 0) { throw "CHANGELOG.md has no '## $version' section; add one for this version." }
    $section = for ($i = $start; $i -lt $lines.Count -and $lines[$i] -notmatch '^##\s'; $i++) { $lines[$i] }
    $text = ($section -join "`n").Trim()
    if (-not $text) { throw "The '## $version' section of CHANGELOG.md is empty." }
    $text
}

function Set-ReleaseNote([string]$Manifest) {
    # Fills PrivateData.PSData.ReleaseNotes of the built manifest (what a gallery page shows) from CHANGELOG.md.
    $text = [System.IO.File]::ReadAllText($Manifest)
    $pattern = "(?m)^(\s*)ReleaseNotes(\s*)=\s*'(?:[^']|'')*'"
    if ($text -notmatch $pattern) { throw "Sutro.psd1 must hold ReleaseNotes as one single-quoted string for the build to fill it." }
    $literal = "'" + ((Get-ReleaseNote) -replace "'", "''") + "'"
    $text = [regex]::Replace($text, $pattern, { param($m) "$($m.Groups[1].Value)ReleaseNotes$($m.Groups[2].Value)= $literal" })
    [System.IO.File]::WriteAllText($Manifest, $text, [System.Text.UTF8Encoding]::new($false))
    $null = Test-ModuleManifest -Path $Manifest
}

function Invoke-Package {
    Invoke-Build
    # Compress-PSResource (PSResourceGet, shipped with PowerShell 7.4+) writes the .nuspec from the manifest
    # and packs the module folder, offline.
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) "sutro-package-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $staging | Out-Null
    try {
        Compress-PSResource -Path $moduleDir -DestinationPath $staging
        $built = Get-ChildItem -LiteralPath $staging -Filter '*.nupkg' | Select-Object -First 1
        if (-not $built) { throw "Compress-PSResource wrote no package." }
        Move-Item -LiteralPath $built.FullName -Destination $packagePath -Force
    }
    finally {
        Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue
    }
    Write-Host "Package: $packagePath"
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    return ($line -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Test {
    Invoke-Package
    $results = Join-Path $root 'output' 'test-results'
    if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
    New-Item -ItemType Directory -Path $results -Force | Out-Null

    # xunit
    $trx = 'xunit.trx'
    & dotnet test (Join-Path $root 'tests' 'Sutro.Tests' 'Sutro.Tests.csproj') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=$trx" --results-directory $results '--verbosity' 'quiet'
    $xunitExit = $LASTEXITCODE
    $xunit = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $trxPath = Join-Path $results $trx
    if (Test-Path -LiteralPath $trxPath) {
        $counters = ([xml](Get-Content -LiteralPath $trxPath -Raw)).TestRun.ResultSummary.Counters
        $xunit.Passed = [int]$counters.passed
        $xunit.Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $xunit.Skipped = [int]$counters.total - [int]$counters.executed + [int]$counters.notExecuted
    }
    elseif ($xunitExit -ne 0) {
        $xunit.Failed = 1
    }
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"

    # Pester, in a child pwsh that imports the assembled module.
    $pester = Join-Path (Get-NuGetPackageRoot) 'pester' '5.7.1' 'tools' 'Pester.psd1'
    $summary = Join-Path $results 'pester-summary.json'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests' 'Invoke-PesterSuite.ps1') `
        -PesterPath $pester -ModulePath (Join-Path $moduleDir 'Sutro.psd1') -PackagePath $packagePath -SummaryPath $summary
    $pesterCounts = @{ Passed = 0; Failed = 1; Skipped = 0 }
    if (Test-Path -LiteralPath $summary) {
        $s = Get-Content -LiteralPath $summary -Raw | ConvertFrom-Json
        $pesterCounts = @{ Passed = [int]$s.Passed; Failed = [int]$s.Failed; Skipped = [int]$s.Skipped }
    }
    Write-Host "Pester: $($pesterCounts.Passed) passed, $($pesterCounts.Failed) failed, $($pesterCounts.Skipped) skipped"

    $passed = $xunit.Passed + $pesterCounts.Passed
    $failed = $xunit.Failed + $pesterCounts.Failed
    $skipped = $xunit.Skipped + $pesterCounts.Skipped
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $failed++ }
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests' 'Demo.ps1') -ModulePath (Join-Path $moduleDir 'Sutro.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    if ($Configuration -ne 'Release') { throw 'The benchmark measures the Release build; leave out -Configuration.' }
    Invoke-Build
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests' 'Bench' 'Invoke-Benchmark.ps1') `
        -ModulePath (Join-Path $moduleDir 'Sutro.psd1') -Rows $Rows -Runs $Runs -SkipSlow:$SkipSlow
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests' 'Bench' 'Measure-Submission.ps1') `
        -ModulePath (Join-Path $moduleDir 'Sutro.psd1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Mock {
    Invoke-Build
    & (Join-Path $root 'tools' 'Start-MockServer.ps1') -ModulePath (Join-Path $moduleDir 'Sutro.psd1') -Port $Port `
        -Configuration $Configuration
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Package' { Invoke-Package }
    'Bench' { Invoke-Bench }
    'Mock' { Invoke-Mock }
}
