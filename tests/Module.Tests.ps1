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
