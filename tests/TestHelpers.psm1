# Shared by the Pester suites and the demo: the mock Sutro server and the canonical row rendering.
Set-StrictMode -Version Latest

$script:RepoRoot = Split-Path -Parent $PSScriptRoot

function Start-SutroMockServer {
    <#
    .SYNOPSIS
        Starts the mock Sutro API on a free loopback port and returns an object with Url, StorageUrl,
        Key and the process. It stops by itself when this process closes its standard input.
    #>
    param([string]$Key = 'sk_test_0123456789abcdef')

    $dll = Join-Path $script:RepoRoot 'tests' 'Sutro.MockServer' 'bin' 'Release' 'net10.0' 'Sutro.MockServer.dll'
    if (-not (Test-Path -LiteralPath $dll)) { throw "The mock server is not built ($dll). Run ./build.ps1 -Task Build." }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--key', $Key, '--fixtures', (Join-Path $script:RepoRoot 'tests' 'fixtures' 'valid'))) {
        $info.ArgumentList.Add($a)
    }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    # Keep stderr drained so the server never blocks on a full pipe.
    $null = $process.StandardError.ReadToEndAsync()

    $url = $null; $storage = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ((-not $url -or -not $storage) -and [DateTime]::UtcNow -lt $deadline) {
        $task = $process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait(60000)) { break }
        $line = $task.Result
        if ($null -eq $line) { break }
        if ($line -match '^SUTRO_MOCK_URL=(.+)$') { $url = $Matches[1].Trim() }
        elseif ($line -match '^SUTRO_MOCK_STORAGE_URL=(.+)$') { $storage = $Matches[1].Trim() }
    }
    if (-not $url) {
        if (-not $process.HasExited) { $process.Kill() }
        throw 'The mock Sutro server did not start.'
    }
    # Get-SutroJobResult keeps results in ~/.sutro/job-results by default, which would serve one test's rows of a
    # job to the next test of the same job (whose mock answers differ) and write into this machine's home folder:
    # the suites run it with -NoCache unless they test the cache (SutroCache.Tests.ps1 turns this off).
    $global:PSDefaultParameterValues['Get-SutroJobResult:NoCache'] = $true
    [pscustomobject]@{ Url = $url; StorageUrl = $storage; Key = $Key; Process = $process }
}

function Stop-SutroMockServer {
    param([Parameter(Mandatory)]$Server)
    if ($null -eq $Server) { return }
    try { $Server.Process.StandardInput.Close() } catch { }
    if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill($true) }
    $Server.Process.Dispose()
}

function Invoke-MockControl {
    <# Calls the mock server's test control API (/_mock/...). #>
    param(
        [Parameter(Mandatory)]$Server,
        [Parameter(Mandatory)][string]$Path,
        [string]$Method = 'Post',
        $Body
    )
    $params = @{ Uri = "$($Server.Url)/_mock/$Path"; Method = $Method }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $params.Body = ($Body | ConvertTo-Json -Depth 20 -Compress)
        $params.ContentType = 'application/json'
    }
    Invoke-RestMethod @params
}

function ConvertTo-CanonicalString {
    <# S(x) of tests/fixtures/README.md: a JSON string escaped per UTF-16 code unit, ASCII only. #>
    param([AllowNull()]$Value)  # untyped: a [string] parameter would turn $null into ''
    if ($null -eq $Value) { return 'null' }
    $sb = [System.Text.StringBuilder]::new('"')
    foreach ($c in $Value.ToCharArray()) {
        $code = [int]$c
        switch ($code) {
            0x22 { [void]$sb.Append('\"'); continue }
            0x5C { [void]$sb.Append('\\'); continue }
            0x08 { [void]$sb.Append('\b'); continue }
            0x0C { [void]$sb.Append('\f'); continue }
            0x0A { [void]$sb.Append('\n'); continue }
            0x0D { [void]$sb.Append('\r'); continue }
            0x09 { [void]$sb.Append('\t'); continue }
            default {
                if ($code -lt 0x20 -or $code -gt 0x7E) { [void]$sb.Append('\u').Append($code.ToString('x4')) }
                else { [void]$sb.Append($c) }
            }
        }
    }
    [void]$sb.Append('"')
    $sb.ToString()
}

function ConvertTo-CanonicalLogprob {
    param($Value)
    if ($null -eq $Value) { return 'null' }
    '"' + [BitConverter]::DoubleToInt64Bits([double]$Value).ToString('x16') + '"'
}

function ConvertTo-CanonicalRows {
    <# Renders rows as the fixtures' expected/*.jsonl text: one [S(input),S(output),L(logprob)] line per row. #>
    param([Parameter(ValueFromPipeline)]$Row)
    begin { $sb = [System.Text.StringBuilder]::new() }
    process {
        [void]$sb.Append('[').Append((ConvertTo-CanonicalString $Row.Input)).Append(',').
            Append((ConvertTo-CanonicalString $Row.Output)).Append(',').
            Append((ConvertTo-CanonicalLogprob $Row.CumulativeLogprob)).Append("]`n")
    }
    end { $sb.ToString() }
}

function Get-FixturePath {
    param([Parameter(Mandatory)][string]$Name, [ValidateSet('valid', 'expected')][string]$Kind = 'valid')
    Join-Path $script:RepoRoot 'tests' 'fixtures' $Kind $Name
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh (the one running the tests, -NoProfile -NonInteractive) and returns
        its exit code and the text it wrote to standard output and standard error. -Environment sets
        variables of the child (a $null value removes one); without HOME there, the child gets a fresh
        temporary home folder, removed afterwards.
    #>
    param(
        [Parameter(Mandatory)][string]$Command,
        [hashtable]$Environment = @{},
        [string]$WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath,
        [int]$TimeoutSeconds = 300
    )
    $apphost = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    $info = if (Test-Path -LiteralPath $apphost) { [System.Diagnostics.ProcessStartInfo]::new($apphost) }
    else {
        $i = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        $i.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
        $i
    }
    # Text, not CLIXML, on both streams, and no colour codes, so failures read well in test output.
    foreach ($a in '-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Command))) {
        $info.ArgumentList.Add($a)
    }
    $info.WorkingDirectory = $WorkingDirectory
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    $info.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $info.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    $info.Environment['NO_COLOR'] = '1'
    # A home folder of its own unless the caller gives one, so that nothing a child keeps there (the results
    # cache of Get-SutroJobResult, saved settings) lands in this machine's home folder.
    $childHome = $null
    if (-not $Environment.ContainsKey('HOME')) {
        $childHome = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "sutro-child-home-$([guid]::NewGuid().ToString('N'))")).FullName
        $info.Environment['HOME'] = $childHome
        $info.Environment['USERPROFILE'] = $childHome
    }
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) { [void]$info.Environment.Remove($key) } else { $info.Environment[$key] = [string]$Environment[$key] }
    }
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh did not finish within $TimeoutSeconds s."
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
    }
    finally {
        $process.Dispose()
        if ($childHome) { Remove-Item -LiteralPath $childHome -Recurse -Force -ErrorAction Ignore }
    }
}

function ConvertTo-PowerShellLiteral {
    <# A single-quoted PowerShell string literal of a value, to splice paths and URLs into a child's script. #>
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Value)
    "'" + ($Value -replace "'", "''") + "'"
}

function Enter-SutroTestSettings {
    <#
    .SYNOPSIS
        Isolates a test from the machine's Sutro settings: a fresh temporary HOME (so ~/.sutro/config.json
        is the test's own), SUTRO_API_URL and SUTRO_API_KEY cleared, no Connect-Sutro connection.
        Returns the state Exit-SutroTestSettings restores; .Home is the temporary folder.
    #>
    $state = [pscustomobject]@{
        Home     = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "sutro-home-$([guid]::NewGuid().ToString('N'))")).FullName
        Saved    = @{}
    }
    foreach ($name in 'HOME', 'USERPROFILE', 'SUTRO_API_URL', 'SUTRO_API_KEY') {
        $state.Saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $env:HOME = $state.Home
    $env:USERPROFILE = $state.Home
    $env:SUTRO_API_URL = $null
    $env:SUTRO_API_KEY = $null
    if (Get-Command Disconnect-Sutro -ErrorAction Ignore) { Disconnect-Sutro }
    $state
}

function Exit-SutroTestSettings {
    <# Restores what Enter-SutroTestSettings changed and removes its temporary HOME. #>
    param([Parameter(Mandatory)]$State)
    if (Get-Command Disconnect-Sutro -ErrorAction Ignore) { Disconnect-Sutro }
    foreach ($name in $State.Saved.Keys) {
        [Environment]::SetEnvironmentVariable($name, $State.Saved[$name])
    }
    Remove-Item -LiteralPath $State.Home -Recurse -Force -ErrorAction Ignore
}

function Get-MockRequest {
    <# The mock server's request log since the last reset, optionally only paths that match a wildcard. #>
    param([Parameter(Mandatory)]$Server, [string]$Path = '*')
    $log = Invoke-MockControl $Server 'requests' -Method Get
    $log | Where-Object path -like $Path
}

function Get-TerminatingError {
    <#
    .SYNOPSIS
        Runs a command that must end with a terminating error (a failure of the whole command) and returns that
        error record; fails when the command does not throw, or writes any output first.
    #>
    param([Parameter(Mandatory)][scriptblock]$Command)
    $emitted = [System.Collections.Generic.List[object]]::new()
    try {
        & $Command | ForEach-Object { $emitted.Add($_) }
    }
    catch {
        if ($emitted.Count -gt 0) { throw "The command wrote $($emitted.Count) objects before its terminating error." }
        return $_
    }
    throw "Expected a terminating error, but the command ended without one (it wrote $($emitted.Count) objects)."
}

Export-ModuleMember -Function Get-TerminatingError, Start-SutroMockServer, Stop-SutroMockServer, Invoke-MockControl,
    ConvertTo-CanonicalString, ConvertTo-CanonicalLogprob, ConvertTo-CanonicalRows, Get-FixturePath,
    Invoke-ChildPwsh, ConvertTo-PowerShellLiteral, Enter-SutroTestSettings, Exit-SutroTestSettings, Get-MockRequest
