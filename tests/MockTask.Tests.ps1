# ./build.ps1 -Task Mock runs tools/Start-MockServer.ps1 after the build: the mock server in the foreground,
# its URL, key and commands printed, until Ctrl+C or until the script's process ends. The script is run here
# on a free port (-Port 0), against the module under test; the build itself is not run again.
BeforeAll {
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $ProgressPreference = 'SilentlyContinue'
    $script:root = Split-Path -Parent $PSScriptRoot
}

Describe 'The Mock task' {
    BeforeAll {
        $info = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tools' 'Start-MockServer.ps1'),
            '-ModulePath', $env:SUTRO_TEST_MODULE, '-Port', '0') { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.RedirectStandardInput = $true
        $info.UseShellExecute = $false
        $info.Environment['NO_COLOR'] = '1'
        $script:runner = [System.Diagnostics.Process]::Start($info)
        $null = $runner.StandardError.ReadToEndAsync()
        $script:printed = [System.Collections.Generic.List[string]]::new()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            $task = $runner.StandardOutput.ReadLineAsync()
            if (-not $task.Wait(60000) -or $null -eq $task.Result) { break }
            $printed.Add($task.Result)
            if ($task.Result -eq 'Press Ctrl+C to stop the server.') { break }
        }
        $script:url = ($printed | Where-Object { $_ -match '^The mock Sutro API is listening at (\S+)$' } | ForEach-Object { $Matches[1] })
    }

    AfterAll {
        if ($runner -and -not $runner.HasExited) { $runner.Kill($true) }
        if ($runner) { $runner.Dispose() }
    }

    It 'prints the URL, the key and commands to try' {
        $url | Should -Match '^http://127\.0\.0\.1:\d+$'
        $printed | Should -Contain 'API key: sk_mock_local (the mock accepts only this key; its jobs are made up)'
        $printed | Should -Contain "    Import-Module '$((Resolve-Path -LiteralPath $env:SUTRO_TEST_MODULE).ProviderPath)'"
        $printed | Should -Contain "    Connect-Sutro -ApiUrl $url -ApiKey sk_mock_local"
        $printed | Should -Contain '    Get-SutroJobResult job_12345 -IncludeCumulativeLogprob'
        $printed[-1] | Should -BeExactly 'Press Ctrl+C to stop the server.'
    }

    It 'serves the commands it prints' {
        $connection = Connect-Sutro -ApiUrl $url -ApiKey sk_mock_local -PassThru
        $connection.Authenticated | Should -BeTrue
        $rows = @(Get-SutroJobResult job_12345 -IncludeCumulativeLogprob)
        $rows.Count | Should -Be 5
        $rows[0].Output | Should -BeExactly 'The capital of France is Paris.'
        $answers = @('Name a colour.', 'Name a planet.' | Invoke-SutroBatch -Model llama-3.1-8b -PollIntervalSec 0.1)
        $answers.Output | Should -Be @('Echo 1: Name a colour.', 'Echo 2: Name a planet.')
        Disconnect-Sutro
    }

    It 'keeps running, and the server stops when the script''s process ends' {
        $runner.HasExited | Should -BeFalse
        $runner.Kill()
        $runner.WaitForExit(10000) | Should -BeTrue
        $stopped = $false
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        $port = ([uri]$url).Port
        while (-not $stopped -and [DateTime]::UtcNow -lt $deadline) {
            $client = [System.Net.Sockets.TcpClient]::new()
            try { $client.Connect('127.0.0.1', $port); Start-Sleep -Milliseconds 200 }
            catch [System.Net.Sockets.SocketException] { $stopped = $true }
            finally { $client.Dispose() }
        }
        $stopped | Should -BeTrue -Because 'the mock server stops when the standard input it was given closes'
    }
}
