<#
.SYNOPSIS
    Compiles the help pages of docs/<culture>/ into the help files of a built module:
    <Assembly>.dll-Help.xml (MAML, what Get-Help reads for binary cmdlets) and about_*.help.txt.
.DESCRIPTION
    Syntax, parameter sets, types, positions, pipeline binding, aliases, allowed values, default values
    and output types come from the built cmdlets themselves (read in a child pwsh by
    Export-CommandMetadata.ps1); the prose comes from the markdown. So help cannot drift from code, the
    build fails, listing every problem, when:
      - an exported cmdlet has no page, or a page documents a cmdlet the module does not export;
      - a page lacks a section, a synopsis, a description, three examples, or an example's code does not parse;
      - a parameter of the cmdlet is not described, or the page describes a parameter the cmdlet lacks;
      - a parameter's optional yaml block disagrees with the cmdlet (type, aliases, position, required,
        pipeline input);
      - OUTPUTS does not name exactly the types of the cmdlet's [OutputType].
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$DocsPath,
    [Parameter(Mandatory)][string]$OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force

function Get-PwshPath {
    # The pwsh running this script (an apphost beside the engine; under 'dotnet pwsh' the process itself is dotnet).
    $name = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    $candidate = Join-Path $PSHOME $name
    if (Test-Path -LiteralPath $candidate) { return , @($candidate) }
    return , @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
}

function Get-CommandMetadata([string]$Path) {
    $pwsh = Get-PwshPath
    $exe = $pwsh[0]
    $prefix = @($pwsh | Select-Object -Skip 1)
    $json = & $exe @prefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Export-CommandMetadata.ps1') -ModulePath $Path
    if ($LASTEXITCODE -ne 0) { throw "Reading the cmdlets of $Path failed (exit code $LASTEXITCODE)." }
    @(($json -join "`n") | ConvertFrom-Json)
}

function Get-PipelineText($SetParameters) {
    $byValue = [bool]($SetParameters | Where-Object ByValue)
    $byName = [bool]($SetParameters | Where-Object ByPropertyName)
    $kinds = @(if ($byValue) { 'ByValue' }; if ($byName) { 'ByPropertyName' })
    if ($kinds.Count -eq 0) { return 'False' }
    "True ($($kinds -join ', '))"
}

function Get-ParameterFacts($Command, $Parameter) {
    # What a parameter is across the sets it belongs to.
    $inSets = @(foreach ($set in $Command.ParameterSets) { $set.Parameters | Where-Object Name -EQ $Parameter.Name })
    $positions = @($inSets | ForEach-Object { if ($null -eq $_.Position) { 'named' } else { [string]$_.Position } } | Select-Object -Unique)
    $mandatory = @($inSets | ForEach-Object { [bool]$_.IsMandatory } | Select-Object -Unique)
    [pscustomobject]@{
        Position   = $(if ($positions.Count -eq 1) { $positions[0] } else { 'named' })
        Required   = ($mandatory.Count -eq 1 -and $mandatory[0])
        Uniform    = ($positions.Count -le 1 -and $mandatory.Count -le 1)
        Pipeline   = Get-PipelineText $inSets
        SetNames   = @($Command.ParameterSets | Where-Object { $_.Parameters.Name -contains $Parameter.Name } | ForEach-Object Name)
    }
}

function Test-YamlBlock($Command, $Parameter, $Doc, [string]$File) {
    # The optional platyPS yaml block is never copied into help; if present it must agree with the cmdlet.
    if ($null -eq $Doc.Yaml) { return }
    $facts = Get-ParameterFacts $Command $Parameter
    $where = "$File`:$($Doc.Line): -$($Parameter.Name)"
    $yaml = $Doc.Yaml
    if ($yaml.Contains('Type') -and $yaml['Type'] -notin $Parameter.Type, $Parameter.TypeFullName) {
        "$where`: the yaml says Type: $($yaml['Type']), the cmdlet has $($Parameter.Type). Fix or delete the yaml block."
    }
    if ($yaml.Contains('Aliases')) {
        $said = @(if ($yaml['Aliases'] -and $yaml['Aliases'] -ne 'None') { $yaml['Aliases'] -split ',' | ForEach-Object Trim }) | Sort-Object
        $has = @($Parameter.Aliases) | Sort-Object
        if (($said -join ',') -ne ($has -join ',')) { "$where`: the yaml says Aliases: $($yaml['Aliases']), the cmdlet has $(if ($has) { $has -join ', ' } else { 'None' })." }
    }
    if ($facts.Uniform -and $yaml.Contains('Position') -and $yaml['Position'] -ne $facts.Position) {
        "$where`: the yaml says Position: $($yaml['Position']), the cmdlet has $($facts.Position)."
    }
    if ($facts.Uniform -and $yaml.Contains('Required') -and $yaml['Required'] -notmatch '\(' -and [bool]::Parse($yaml['Required']) -ne $facts.Required) {
        "$where`: the yaml says Required: $($yaml['Required']), the cmdlet has $($facts.Required)."
    }
    if ($yaml.Contains('Accept pipeline input')) {
        $norm = { param($t) ($t -replace '\s', '' -split '[(),]' | Where-Object { $_ } | Sort-Object) -join ',' }
        if ((& $norm $yaml['Accept pipeline input']) -ne (& $norm $facts.Pipeline)) {
            "$where`: the yaml says Accept pipeline input: $($yaml['Accept pipeline input']), the cmdlet has $($facts.Pipeline)."
        }
    }
}

$script:ShouldProcessText = @{
    WhatIf  = 'Shows what would happen if the command ran. The command is not run.'
    Confirm = 'Prompts you for confirmation before running the command.'
}

function Test-PageAgainstCommand($Command, $Page) {
    $file = Split-Path -Leaf $Page.Path
    if ($Page.FrontMatter -and $Page.FrontMatter.Contains('external help file') -and $Page.FrontMatter['external help file'] -ne $Command.HelpFile) {
        "$file`: 'external help file' must be $($Command.HelpFile)."
    }
    foreach ($p in $Command.Parameters) {
        $doc = if ($Page.Parameters.Contains($p.Name)) { $Page.Parameters[$p.Name] }
        if ($null -eq $doc) {
            if (-not $p.IsShouldProcess) { "$file`: -$($p.Name) of $($Command.Name) is not documented; add a '### -$($p.Name)' section under '## PARAMETERS'." }
            continue
        }
        Test-YamlBlock $Command $p $doc $file
    }
    foreach ($name in $Page.Parameters.Keys) {
        # A page may describe a common parameter (platyPS writes -ProgressAction); Get-Help covers those itself.
        if ($name -in [System.Management.Automation.Cmdlet]::CommonParameters) { continue }
        if ($name -notin @($Command.Parameters | ForEach-Object Name)) {
            "$file`: documents -$name, which $($Command.Name) does not have. Delete the section, or rename it to the parameter it meant."
        }
    }
    if ($Command.OutputTypes.Count -eq 0) { "$($Command.Name) declares no [OutputType]; declare what it writes to the pipeline." }
    $named = @($Page.Outputs | ForEach-Object Type | Where-Object { $_ -ne 'None' })
    # [OutputType([void])] is how a cmdlet that writes nothing says so; its page names '### None'.
    $declared = @($Command.OutputTypes | Where-Object { $_ -ne 'System.Void' })
    foreach ($type in $declared) {
        if ($type -notin $named) { "$file`: '## OUTPUTS' must name '### $type', which the cmdlet's [OutputType] declares." }
    }
    foreach ($type in $named) {
        if ($type -notin $declared) { "$file`: '## OUTPUTS' names $type, which the cmdlet's [OutputType] does not declare ($($Command.OutputTypes -join ', '))." }
    }
}

# --- MAML ----------------------------------------------------------------------------------------
$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function Write-Paragraphs([System.Xml.XmlWriter]$W, [string]$Element, [string[]]$Paragraphs) {
    $prefix, $local = $Element -split ':'
    $W.WriteStartElement($prefix, $local, $ns[$prefix])
    if (-not $Paragraphs -or $Paragraphs.Count -eq 0) { $W.WriteElementString('maml', 'para', $ns.maml, '') }
    foreach ($para in $Paragraphs) { $W.WriteElementString('maml', 'para', $ns.maml, $para) }
    $W.WriteEndElement()
}

function Write-MamlParameter([System.Xml.XmlWriter]$W, $Parameter, $Facts, [string[]]$Description, [switch]$InSyntax) {
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Facts.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $(if ($Parameter.Type.EndsWith('[]')) { 'true' } else { 'false' }))
    $W.WriteAttributeString('globbing', $Parameter.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Facts.Pipeline)
    $W.WriteAttributeString('position', $Facts.Position)
    $W.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    Write-Paragraphs $W 'maml:description' $Description
    if ($Parameter.IsSwitch) {
        if (-not $InSyntax) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString('SwitchParameter'); $W.WriteEndElement()
        }
    }
    elseif ($InSyntax -and $Parameter.Values.Count -gt 0) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in $Parameter.Values) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $W.WriteString($value); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    else {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', 'true'); $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($Parameter.Type); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $Parameter.Type)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $Parameter.Default)
    $W.WriteEndElement()
}

function Get-ParameterDescription($Page, $Parameter) {
    if ($Page.Parameters.Contains($Parameter.Name)) { return [string[]]$Page.Parameters[$Parameter.Name].Description }
    [string[]]@($script:ShouldProcessText[$Parameter.Name])
}

function Write-MamlCommand([System.Xml.XmlWriter]$W, $Command, $Page) {
    $W.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') { $W.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    Write-Paragraphs $W 'maml:description' ([string[]]$Page.Synopsis)
    $W.WriteEndElement()
    Write-Paragraphs $W 'maml:description' ([string[]]$Page.Description)

    # Syntax: one item per parameter set, the default set first; positional parameters by position,
    # then mandatory ones, then the rest in the cmdlet's order.
    $W.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        $ordered = @($set.Parameters | Sort-Object @{ Expression = { if ($null -ne $_.Position) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } } -Stable)
        foreach ($sp in $ordered) {
            $parameter = $Command.Parameters | Where-Object Name -EQ $sp.Name
            $facts = [pscustomobject]@{
                Required = [bool]$sp.IsMandatory
                Position = $(if ($null -eq $sp.Position) { 'named' } else { [string]$sp.Position })
                Pipeline = Get-PipelineText @($sp)
            }
            Write-MamlParameter $W $parameter $facts (Get-ParameterDescription $Page $parameter) -InSyntax
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # Parameters: in the order the page documents them, then any the page leaves to the defaults (-WhatIf, -Confirm).
    $W.WriteStartElement('command', 'parameters', $ns.command)
    $order = @($Page.Parameters.Keys) + @($Command.Parameters | ForEach-Object Name | Where-Object { -not $Page.Parameters.Contains($_) })
    foreach ($name in $order) {
        $parameter = $Command.Parameters | Where-Object Name -EQ $name
        if ($null -eq $parameter) { continue }
        Write-MamlParameter $W $parameter (Get-ParameterFacts $Command $parameter) (Get-ParameterDescription $Page $parameter)
    }
    $W.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Entries = $Page.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Page.Outputs })) {
        $W.WriteStartElement('command', $kind.List, $ns.command)
        foreach ($entry in $kind.Entries) {
            $W.WriteStartElement('command', $kind.Item, $ns.command)
            $W.WriteStartElement('dev', 'type', $ns.dev)
            $W.WriteElementString('maml', 'name', $ns.maml, $entry.Type)
            $W.WriteEndElement()
            Write-Paragraphs $W 'maml:description' ([string[]]$entry.Description)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    Write-Paragraphs $W 'maml:alert' ([string[]]$Page.Notes)
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($example in $Page.Examples) {
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example $($example.Number): $($example.Title) --------------------------")
        $W.WriteElementString('dev', 'code', $ns.dev, $example.Code)
        # The empty last paragraph leaves a blank line before the next example's title.
        Write-Paragraphs $W 'dev:remarks' ([string[]]@($example.Remarks) + '')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $online = if ($Page.FrontMatter -and $Page.FrontMatter.Contains('online version')) { $Page.FrontMatter['online version'] }
    if ($online) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, 'Online Version:')
        $W.WriteElementString('maml', 'uri', $ns.maml, $online)
        $W.WriteEndElement()
    }
    foreach ($link in $Page.RelatedLinks) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $link.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $(if ($link.Uri -match '^https?://') { $link.Uri } else { '' }))
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

# --- main ----------------------------------------------------------------------------------------
$commands = Get-CommandMetadata $ModulePath
$problems = [System.Collections.Generic.List[string]]::new()
$pages = @{}
$cmdletPages = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object Name -NotLike 'about_*')
foreach ($file in $cmdletPages) {
    $name = $file.BaseName
    if ($name -notin $commands.Name) {
        $problems.Add("$($file.Name) documents $name, which the module does not export. Delete the page, or export the cmdlet.")
        continue
    }
    $page = Read-CommandHelpPage -Path $file.FullName
    foreach ($p in (Test-CommandHelpPage -Page $page)) { $problems.Add($p) }
    $pages[$name] = $page
}

# Parameters every API cmdlet shares (-ApiUrl, -ApiKey, retries, timeouts, proxy) are described once, in
# shared/ApiParameters.md; a page's own section for one of them wins.
$sharedPath = Join-Path $DocsPath 'shared' 'ApiParameters.md'
if (Test-Path -LiteralPath $sharedPath) {
    $shared = Read-CommandHelpPage -Path $sharedPath
    foreach ($p in $shared.Problems) { $problems.Add($p) }
    foreach ($command in $commands) {
        if (-not $pages.ContainsKey($command.Name)) { continue }
        $page = $pages[$command.Name]
        foreach ($name in $shared.Parameters.Keys) {
            if ($name -in @($command.Parameters | ForEach-Object Name) -and -not $page.Parameters.Contains($name)) {
                $page.Parameters[$name] = $shared.Parameters[$name]
            }
        }
    }
}
foreach ($command in $commands) {
    if (-not $pages.ContainsKey($command.Name)) {
        $problems.Add("$($command.Name) has no help page: write $(Join-Path $DocsPath "$($command.Name).md") (platyPS schema; see docs/en-US/Get-SutroJobResult.md).")
        continue
    }
    foreach ($p in (Test-PageAgainstCommand $command $pages[$command.Name])) { $problems.Add($p) }
}

$aboutPages = @(Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' | ForEach-Object { Read-AboutHelpPage -Path $_.FullName })
foreach ($about in $aboutPages) { foreach ($p in $about.Problems) { $problems.Add($p) } }

if ($problems.Count -gt 0) {
    foreach ($p in $problems) { Write-Host "  $p" -ForegroundColor Red }
    throw "The help in $DocsPath does not match the module: $($problems.Count) problem(s), listed above."
}

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$byHelpFile = $commands | Group-Object HelpFile
foreach ($group in $byHelpFile) {
    $target = Join-Path $OutputPath $group.Name
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($true) }
    $writer = [System.Xml.XmlWriter]::Create($target, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $ns.msh)
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($command in $group.Group) { Write-MamlCommand $writer $command $pages[$command.Name] }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
    Write-Verbose "Wrote $target"
}
foreach ($about in $aboutPages) {
    $target = Join-Path $OutputPath "$($about.Name).help.txt"
    [System.IO.File]::WriteAllText($target, (ConvertTo-AboutHelpText -Page $about), [System.Text.UTF8Encoding]::new($true))
    Write-Verbose "Wrote $target"
}
