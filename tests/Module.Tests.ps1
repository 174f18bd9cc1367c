# The assembled module: what it exports and where its dependencies load.
BeforeAll {
    Import-Module $env:SUTRO_TEST_MODULE -Force
}

Describe 'The Sutro module' {
    It 'exports exactly the cmdlets that exist, with no wildcards' {
        $manifest = Import-PowerShellDataFile $env:SUTRO_TEST_MODULE
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $exported = (Get-Module Sutro).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be (@($manifest.CmdletsToExport) | Sort-Object)
        foreach ($name in $manifest.CmdletsToExport) { Get-Command $name -Module Sutro | Should -Not -BeNullOrEmpty }
    }

    It 'declares PowerShell 7.4 Core' {
        $manifest = Import-PowerShellDataFile $env:SUTRO_TEST_MODULE
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'loads Parquet.Net and Sep into its own load context, not the default one' {
        # Decoding a Parquet fixture forces Parquet.dll to load.
        $sutro = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Sutro' }
        $sutro | Should -HaveCount 1
        $alc = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sutro)
        $alc.Name | Should -Be 'Sutro'
        $alc | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
        $file = (Get-Item (Join-Path $PSScriptRoot 'fixtures' 'valid' 'small.polars.zstd.parquet')).FullName
        $decoder = $sutro.GetType('Sutro.Results.ResultDecoders')::Open($file, $null, [string[]]@('job_12345'), [Threading.CancellationToken]::None)
        $decoder.RowCount | Should -Be 5
        $decoder.Dispose()
        $parquet = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'Parquet' }
        $parquet | Should -HaveCount 1
        [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name | Should -Not -Contain 'Parquet'
    }

    It 'is importable again with -Force and keeps its cmdlets' {
        Import-Module $env:SUTRO_TEST_MODULE -Force
        Get-Command Get-SutroJobResult -Module Sutro | Should -Not -BeNullOrEmpty
    }
}

Describe 'Importing the module in a fresh pwsh' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:modulePath = ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE
    }

    It 'prints nothing on any stream' {
        $run = Invoke-ChildPwsh -Command "Import-Module $modulePath; if (-not (Get-Command Get-SutroJobResult -ErrorAction Ignore)) { exit 3 }"
        $run.ExitCode | Should -Be 0
        $run.StdOut | Should -BeExactly ''
        $run.StdErr | Should -BeExactly ''
    }

    It 'imports its assembly with the real Import-Module, even under a function of that name' {
        # A profile's proxy that refuses every import must not stand in for the module's own Import-Module -Assembly.
        $run = Invoke-ChildPwsh -Command "function global:Import-Module { throw 'proxy called' }; Microsoft.PowerShell.Core\Import-Module $modulePath; (Get-Command Get-SutroJobResult).Source"
        $run.StdErr | Should -BeExactly ''
        $run.ExitCode | Should -Be 0
        $run.StdOut.Trim() | Should -BeExactly 'Sutro'
    }

    It 'is measured (reported, not asserted: timings depend on the machine)' {
        $run = Invoke-ChildPwsh -Command "`$t = Measure-Command { Import-Module $modulePath }; [int]`$t.TotalMilliseconds"
        $run.ExitCode | Should -Be 0
        $ms = [int]$run.StdOut.Trim()
        $ms | Should -BeGreaterThan 0
        Write-Host "    Import-Module Sutro took $ms ms in a fresh pwsh."
    }
}

Describe 'The views of jobs, quotas and connections' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:server = Start-SutroMockServer
        $script:modulePath = ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE
    }
    AfterAll {
        Stop-SutroMockServer $server
    }

    It 'load with the first cmdlet that emits one, not at import, and then give the table view' {
        $api = "-ApiUrl $(ConvertTo-PowerShellLiteral $server.Url) -ApiKey $(ConvertTo-PowerShellLiteral $server.Key)"
        $script = @"
Import-Module $modulePath
`$before = @(Get-FormatData -TypeName Sutro.Job, Sutro.Quota, Sutro.Connection).Count
`$rows = @(Get-SutroJobResult -JobId job_12345 -Format Json $api).Count
`$afterRows = @(Get-FormatData -TypeName Sutro.Job, Sutro.Quota, Sutro.Connection).Count
`$header = (Get-SutroQuota $api | Out-String -Width 200).Trim() -split '\r?\n' | Select-Object -First 1
`$after = @(Get-FormatData -TypeName Sutro.Job, Sutro.Quota, Sutro.Connection).Count
Get-SutroQuota $api | Out-Null
`$again = @(Get-FormatData -TypeName Sutro.Job, Sutro.Quota, Sutro.Connection).Count
"`$before `$rows `$afterRows `$after `$again"
(`$header -split '\s+') -join ','
"@
        $run = Invoke-ChildPwsh -Command $script
        $run.StdErr | Should -BeExactly ''
        $run.ExitCode | Should -Be 0
        $lines = $run.StdOut.Trim() -split '\r?\n'
        # Nothing at import; the views once a cmdlet that emits a row, a job, a quota or a connection runs (the results
        # cmdlets too, for the view of their rows), and not twice.
        $lines[0] | Should -BeExactly '0 5 3 3 3'
        $lines[1] | Should -BeExactly 'Priority,RowQuota,TokenQuota'
    }
}

Describe 'Another copy of Parquet.dll already loaded into the default context' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:server = Start-SutroMockServer
    }
    AfterAll {
        Stop-SutroMockServer $server
    }

    It 'does not stop the module from importing and decoding with its own copy' {
        # Another module shipping Parquet.Net, simulated: a different file of the library, loaded first.
        $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
        $source = Join-Path $nugetRoot 'parquet.net' '6.1.0' 'lib' 'net8.0' 'Parquet.dll'
        Test-Path -LiteralPath $source | Should -BeTrue -Because 'the Parquet.Net package is restored by the build'
        $other = Join-Path $TestDrive 'other-module' 'Parquet.dll'
        New-Item -ItemType Directory -Path (Split-Path -Parent $other) -Force | Out-Null
        Copy-Item -LiteralPath $source -Destination $other

        $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Add-Type -Path $(ConvertTo-PowerShellLiteral $other)
Import-Module $(ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE)
Import-Module $(ConvertTo-PowerShellLiteral (Join-Path $PSScriptRoot 'TestHelpers.psm1'))
`$rows = Get-SutroJobResult -JobId job_12345 -Format Parquet -IncludeInput -IncludeCumulativeLogprob -Raw -ApiUrl $(ConvertTo-PowerShellLiteral $server.Url) -ApiKey $(ConvertTo-PowerShellLiteral $server.Key)
`$sutro = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Sutro' }
`$decoder = `$sutro.GetType('Sutro.Results.ParquetResultDecoder', `$true)
`$reader = `$decoder.GetField('_reader', [Reflection.BindingFlags]'Instance, NonPublic').FieldType.Assembly
`$default = [Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { `$_.GetName().Name -eq 'Parquet' }
[pscustomobject]@{
    Rows            = (`$rows | ConvertTo-CanonicalRows)
    DecoderContext  = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$reader).Name
    DecoderParquet  = `$reader.Location
    DefaultParquet  = @(`$default.Location)
} | ConvertTo-Json -Compress
"@
        $run = Invoke-ChildPwsh -Command $script
        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $result = $run.StdOut | ConvertFrom-Json
        $result.Rows | Should -BeExactly ([IO.File]::ReadAllText((Get-FixturePath 'small.jsonl' 'expected')))
        $result.DecoderContext | Should -BeExactly 'Sutro'
        $result.DecoderParquet | Should -BeExactly (Join-Path (Split-Path -Parent $env:SUTRO_TEST_MODULE) 'bin' 'Parquet.dll')
        $result.DefaultParquet | Should -Be @((Get-Item -LiteralPath $other).FullName)
    }
}

Describe 'Format view <Name>' -ForEach @(
    $formatFile = Join-Path (Split-Path -Parent $env:SUTRO_TEST_MODULE) 'Sutro.Format.ps1xml'
    foreach ($view in ([xml](Get-Content -LiteralPath $formatFile -Raw)).SelectNodes('//View[TableControl]')) {
        @{ Name = $view.Name; View = $view }
    }
) {
    It 'gives every column but the last a width, and fits a 120-column console' {
        # The last column may leave out its width to take the rest of the line; then it keeps at least 10 columns.
        $headers = @($View.SelectNodes('TableControl/TableHeaders/TableColumnHeader'))
        $widths = @($headers | ForEach-Object { if ($_.SelectSingleNode('Width')) { [int]$_.Width } else { 0 } })
        for ($i = 0; $i -lt $widths.Count - 1; $i++) { $widths[$i] | Should -BeGreaterThan 0 -Because "column $($i + 1) of $Name needs a Width" }
        $reserve = if ($widths[-1] -eq 0) { 10 } else { 0 }
        ($widths | Measure-Object -Sum).Sum + $widths.Count - 1 + $reserve | Should -BeLessOrEqual 120
    }
}
