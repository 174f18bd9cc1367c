# The help of every exported cmdlet and of about_Sutro, as Get-Help shows it from the built module;
# every example of docs/en-US/ that can run against the mock server is run, in a fresh pwsh.
# An example that cannot (it needs something the mock server cannot give) carries the line
#   <!-- not-runnable: <reason> -->
# in its section of the page, and is reported here as skipped with that reason.
BeforeDiscovery {
    Import-Module $env:SUTRO_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '..' 'tools' 'HelpMarkdown.psm1') -Force
    $docs = Join-Path $PSScriptRoot '..' 'docs' 'en-US'
    $commands = @((Get-Module Sutro).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
    $examples = @(foreach ($c in $commands) {
            $page = Join-Path $docs "$($c.Name).md"
            if (-not (Test-Path -LiteralPath $page)) { continue }
            foreach ($e in (Read-CommandHelpPage -Path $page).Examples) {
                @{ Command = $c.Name; Number = $e.Number; Title = $e.Title; Code = $e.Code; Runnable = $e.Runnable; Reason = $e.NotRunnableReason }
            }
        })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module $env:SUTRO_TEST_MODULE -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters

    function Get-Text($Value) { (($Value | Out-String -Width 4096) -replace '\s+', ' ').Trim() }
}

Describe 'Help of <Name>' -ForEach $commands {
    BeforeAll {
        $command = Get-Command -Name $Name -Module Sutro
        $help = Get-Help -Name $Name -Full
        # Every parameter but the common ones: -WhatIf and -Confirm are the cmdlet's own, and its help lists them.
        $parameters = @($command.Parameters.Values | Where-Object Name -NotIn $common)
        $documented = @($help.parameters.parameter | Where-Object { $null -ne $_ })
    }

    It 'comes from the compiled help file, with a synopsis and a description' {
        # Without a help file Get-Help makes up a synopsis from the syntax and has no description.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *"
        Get-Text $help.description | Should -Not -BeNullOrEmpty
        # HelpFile holds the file name until Get-Help has found the file, then its full path.
        Test-Path -LiteralPath (Join-Path $command.Module.ModuleBase 'en-US' (Split-Path -Leaf $command.HelpFile)) | Should -BeTrue
    }

    It 'describes every parameter' {
        if ($parameters.Count -eq 0) {
            # A cmdlet with only the common parameters (Disconnect-Sutro): its help lists no parameter.
            $documented | Should -BeNullOrEmpty
            Get-Text $help.syntax | Should -BeExactly "$Name [<CommonParameters>]"
            return
        }
        foreach ($p in $parameters) {
            Get-Text (Get-Help -Name $Name -Parameter $p.Name).description | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
        }
    }

    It 'takes every parameter fact from the cmdlet: position, mandatory, pipeline binding, aliases, type' {
        ($documented.name | Sort-Object) -join ', ' | Should -BeExactly (($parameters.Name | Sort-Object) -join ', ')
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
        foreach ($p in $parameters) {
            $h = $documented | Where-Object name -EQ $p.Name
            $sets = @($p.ParameterSets.Values)
            $byValue = [bool]($sets | Where-Object ValueFromPipeline)
            $byName = [bool]($sets | Where-Object ValueFromPipelineByPropertyName)
            $expectedPipeline = if ($byValue -or $byName) { 'True (' + ((@('ByValue') * $byValue) + (@('ByPropertyName') * $byName) -join ', ') + ')' } else { 'False' }
            $h.pipelineInput | Should -BeExactly $expectedPipeline -Because "-$($p.Name)"
            $positions = @($sets | ForEach-Object { if ($_.Position -ge 0) { [string]$_.Position } else { 'named' } } | Select-Object -Unique)
            if ($positions.Count -eq 1) { $h.position | Should -BeExactly $positions[0] -Because "-$($p.Name)" }
            $mandatory = @($sets | ForEach-Object IsMandatory | Select-Object -Unique)
            if ($mandatory.Count -eq 1) { $h.required | Should -BeExactly ([string]$mandatory[0]).ToLowerInvariant() -Because "-$($p.Name)" }
            $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
            $h.aliases | Should -BeExactly $aliases -Because "-$($p.Name)"
            if (-not $p.SwitchParameter) { $h.type.name | Should -Not -BeNullOrEmpty -Because "-$($p.Name)" }
        }
    }

    It 'has at least three examples, each with code and a sentence saying what it does' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($e in $examples) {
            $e.code | Should -Not -BeNullOrEmpty
            Get-Text $e.remarks | Should -Not -BeNullOrEmpty
        }
    }

    It 'names its inputs, outputs and related links' {
        @($help.inputTypes.inputType).Count | Should -BeGreaterThan 0
        @($help.returnValues.returnValue).Count | Should -BeGreaterThan 0
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterThan 0
    }

    It 'declares [OutputType] with real types, and its help names them' {
        $outputs = @($command.OutputType)
        $outputs.Count | Should -BeGreaterThan 0
        foreach ($o in $outputs) {
            $o.Type | Should -Not -BeNullOrEmpty -Because "[OutputType] '$($o.Name)' should name a type the module defines"
            if ($o.Type -eq [void]) {
                # [OutputType([void])] is how a cmdlet that writes nothing says so; its help names 'None' and nothing else.
                $outputs.Count | Should -Be 1 -Because 'a cmdlet that writes nothing declares no other output type'
                @($help.returnValues.returnValue.type.name) | Should -Be @('None')
            }
            else {
                @($help.returnValues.returnValue.type.name) | Should -Contain $o.Type.FullName
            }
        }
    }

    It 'lets tab completion offer the properties of its output after a pipe' {
        $line = "$Name x | Select-Object "
        $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        foreach ($o in $command.OutputType) {
            foreach ($property in $o.Type.GetProperties([System.Reflection.BindingFlags]'Instance, Public')) {
                $offered | Should -Contain $property.Name
            }
        }
    }
}

Describe 'The examples of the help' {
    BeforeAll {
        $script:server = Start-SutroMockServer
    }
    AfterAll {
        Stop-SutroMockServer $server
    }

    Context 'Example <Number> of <Command>: <Title>' -ForEach $examples {
        It 'runs against the mock server without an error' {
            if (-not $Runnable) { Set-ItResult -Skipped -Because "the page marks it not runnable: $Reason"; return }
            Invoke-MockControl $server 'reset' | Out-Null
            $work = New-Item -ItemType Directory -Path (Join-Path $TestDrive "$Command-$Number") -Force
            # A home of its own, so an example that saves settings (Connect-Sutro -Save) never touches this machine's.
            $homeFolder = New-Item -ItemType Directory -Path (Join-Path $TestDrive "$Command-$Number-home") -Force
            $script = @(
                '$ErrorActionPreference = ''Stop'''
                '$ProgressPreference = ''SilentlyContinue'''
                "Import-Module $(ConvertTo-PowerShellLiteral $env:SUTRO_TEST_MODULE)"
                $Code
            ) -join [Environment]::NewLine
            $run = Invoke-ChildPwsh -Command $script -WorkingDirectory $work.FullName -Environment @{
                SUTRO_API_URL = $server.Url; SUTRO_API_KEY = $server.Key; HOME = $homeFolder.FullName; USERPROFILE = $homeFolder.FullName
            }
            $run.StdErr | Should -BeNullOrEmpty -Because "the example wrote to the error stream:`n$($run.StdOut)"
            $run.ExitCode | Should -Be 0 -Because $run.StdOut
            $run.StdOut | Should -Not -Match ([regex]::Escape($server.Key)) -Because 'the API key never appears in output'
        }
    }
}

Describe 'about_Sutro' {
    BeforeAll {
        $text = (Get-Help -Name about_Sutro | Out-String) -replace "`r`n", "`n"
        function Get-Section([string]$Heading) {
            $m = [regex]::Match($text, "(?ms)^$([regex]::Escape($Heading))\s*\n(.*?)(?=^[A-Z][A-Z ,]+$|\z)")
            if (-not $m.Success) { return $null }
            $m.Groups[1].Value
        }
    }

    It 'covers <Heading>' -ForEach @(
        @{ Heading = 'SHORT DESCRIPTION' }
        @{ Heading = 'LONG DESCRIPTION' }
        @{ Heading = 'SETTINGS AND WHERE THE KEY IS LOOKED UP' }
        @{ Heading = 'FORMATS, AND WHEN TO USE WHICH' }
        @{ Heading = 'THE ROW OBJECT' }
        @{ Heading = 'STRUCTURED AND REASONING OUTPUTS' }
        @{ Heading = 'ERROR IDS AND WHAT TO DO ABOUT EACH' }
        @{ Heading = 'RETRIES AND TIMEOUTS' }
        @{ Heading = 'RUNNING A BATCH' }
        @{ Heading = 'RUNNING UNATTENDED' }
    ) {
        (Get-Section $Heading) | Should -Not -BeNullOrEmpty
    }

    It 'gives the settings in the order the module looks them up' {
        $settings = Get-Section 'SETTINGS AND WHERE THE KEY IS LOOKED UP'
        $positions = '-ApiUrl and -ApiKey', 'Connect-Sutro', 'SUTRO_API_URL and SUTRO_API_KEY', '~/.sutro/config.json', 'There is no default URL' |
            ForEach-Object { $settings.IndexOf($_, [StringComparison]::Ordinal) }
        $positions | Should -Not -Contain -1
        ($positions | Sort-Object) -join ',' | Should -Be ($positions -join ',')
    }

    It 'names every cmdlet the module exports' {
        $long = Get-Section 'LONG DESCRIPTION'
        foreach ($name in (Get-Module Sutro).ExportedCmdlets.Keys) { $long | Should -Match "\b$([regex]::Escape($name))\b" }
    }

    It 'explains every error id the module raises, and the sources name ids only through ErrorIds' {
        $errorIds = (Get-Command Export-SutroJobResult).ImplementingType.Assembly.GetType('Sutro.ErrorIds', $true)
        $ids = $errorIds.GetFields() | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        $ids | Should -Contain 'JobNotFound'
        $ids | Should -Contain 'OutputFileExists'
        $errors = Get-Section 'ERROR IDS AND WHAT TO DO ABOUT EACH'
        foreach ($id in $ids) { $errors | Should -Match "\b$id\b" -Because "$id is raised by the module" }
        # A string literal used as an error id beside an ErrorCategory ("Id", ErrorCategory.X) bypasses the list.
        $pattern = '"([A-Z][A-Za-z]+)"(?=(?:\s*:\s*"[A-Za-z]+")?\s*,\s*ErrorCategory\.)'
        $literals = Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '..' 'src') -Recurse -Filter '*.cs' |
            Where-Object FullName -notmatch '[\\/](obj|bin)[\\/]' |
            ForEach-Object { [regex]::Matches((Get-Content -LiteralPath $_.FullName -Raw), $pattern) } |
            ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        foreach ($literal in $literals) { $ids | Should -Contain $literal -Because "the sources raise '$literal'" }
    }
}

Describe 'The help compiler' {
    BeforeAll {
        $buildHelp = Join-Path $PSScriptRoot '..' 'tools' 'Build-Help.ps1'
        $docs = Join-Path $PSScriptRoot '..' 'docs' 'en-US'

        function Invoke-BuildHelp([string]$DocsPath, [string]$OutputPath) {
            $messages = [System.Collections.Generic.List[string]]::new()
            $failure = $null
            try {
                & $buildHelp -ModulePath $env:SUTRO_TEST_MODULE -DocsPath $DocsPath -OutputPath $OutputPath 6>&1 |
                    ForEach-Object { $messages.Add(([string]$_).Trim()) }
            }
            catch { $failure = $_ }
            [pscustomobject]@{ Messages = $messages; Failure = $failure }
        }
    }

    It 'makes from docs/en-US exactly the help files the module ships' {
        $out = Join-Path $TestDrive 'fresh'
        $result = Invoke-BuildHelp $docs $out
        $result.Failure | Should -BeNullOrEmpty
        $shipped = Join-Path (Split-Path -Parent $env:SUTRO_TEST_MODULE) 'en-US'
        $names = @(Get-ChildItem -LiteralPath $out | ForEach-Object Name | Sort-Object)
        $names | Should -Be @(Get-ChildItem -LiteralPath $shipped | ForEach-Object Name | Sort-Object)
        $names | Should -Contain 'Sutro.dll-Help.xml'
        $names | Should -Contain 'about_Sutro.help.txt'
        foreach ($name in $names) {
            (Get-FileHash (Join-Path $out $name)).Hash | Should -Be (Get-FileHash (Join-Path $shipped $name)).Hash -Because $name
        }
    }

    It 'fails, naming each problem, when a page drifts from its cmdlet' {
        $bad = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'drifted') -Force
        Copy-Item -Path (Join-Path $docs '*') -Destination $bad
        $page = Join-Path $bad 'Get-SutroJobResult.md'
        $text = [IO.File]::ReadAllText($page) -replace "`r`n", "`n"
        $text = $text.Replace("### -Raw`n", "### -Rawness`n")                                       # a parameter the cmdlet lacks, and -Raw undocumented
        $text = $text.Replace("### -JobId`n", "### -JobId`n``````yaml`nPosition: 3`n```````n")       # a yaml block that disagrees
        $text = $text.Replace("### Sutro.JobResultRow", "### Sutro.SomethingElse")                   # outputs that are not the [OutputType]
        $text = $text.Replace("## NOTES", "## REMARKS")                                              # a missing section
        $text = $text.Replace("-IncludeInput |`n    Where-Object Output -like 'outage:*' |", "-IncludeInput | {")  # code that does not parse
        [IO.File]::WriteAllText($page, $text)
        Set-Content -LiteralPath (Join-Path $bad 'Get-SutroNothing.md') -Value '# Get-SutroNothing'

        $result = Invoke-BuildHelp $bad (Join-Path $TestDrive 'out-drifted')
        $result.Failure | Should -Not -BeNullOrEmpty
        $result.Failure.Exception.Message | Should -Match 'does not match the module'
        $all = $result.Messages -join "`n"
        $all | Should -Match ([regex]::Escape('documents -Rawness, which Get-SutroJobResult does not have'))
        $all | Should -Match ([regex]::Escape('-Raw of Get-SutroJobResult is not documented'))
        $all | Should -Match ([regex]::Escape('-JobId: the yaml says Position: 3, the cmdlet has 0'))
        $all | Should -Match ([regex]::Escape("must name '### Sutro.JobResultRow'"))
        $all | Should -Match ([regex]::Escape("the section '## NOTES' is missing"))
        $all | Should -Match 'Example 1: the code does not parse'
        $all | Should -Match ([regex]::Escape('Get-SutroNothing.md documents Get-SutroNothing, which the module does not export'))
        Test-Path -LiteralPath (Join-Path $TestDrive 'out-drifted') | Should -BeFalse
    }

    It 'fails when an exported cmdlet has no page' {
        $none = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'no-page') -Force
        Copy-Item -LiteralPath (Join-Path $docs 'about_Sutro.md') -Destination $none
        $result = Invoke-BuildHelp $none (Join-Path $TestDrive 'out-no-page')
        $result.Failure | Should -Not -BeNullOrEmpty
        ($result.Messages -join "`n") | Should -Match 'Get-SutroJobResult has no help page'
    }
}
