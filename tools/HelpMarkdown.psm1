# Reads the help pages of docs/<culture>/ (platyPS markdown schema) into plain objects, and renders
# an about topic as the text Get-Help shows. Markdown is parsed by Markdig (through ConvertFrom-Markdown,
# shipped with PowerShell); this module only walks the blocks it returns.
#
# A cmdlet page:
#   front matter (external help file, Module Name, schema), then
#   # <Cmdlet-Name>
#   ## SYNOPSIS | ## SYNTAX | ## DESCRIPTION | ## EXAMPLES | ## PARAMETERS | ## INPUTS | ## OUTPUTS | ## NOTES | ## RELATED LINKS
#   ### Example N: <title>   one ```powershell block and at least one sentence of remarks;
#                            a line <!-- not-runnable: <reason> --> marks an example the tests must not run
#   ### -<Parameter>         prose, then an optional ```yaml block (checked against the cmdlet, never copied)
#   ### <Type name>          under INPUTS and OUTPUTS: the type, then what it means
# An about page:
#   # about_<Topic>, ## Short description, ## Long description, then any ## / ### sections.
Set-StrictMode -Version Latest

$script:CommandSections = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS')
$script:NotRunnablePattern = '^<!--\s*not-runnable:\s*(?<reason>.*?)\s*-->$'

function Split-FrontMatter {
    # Returns the front matter as an ordered dictionary, the rest of the text, and how many lines the front matter took.
    param([string]$Text)
    $matter = [ordered]@{}
    $normalized = $Text -replace "`r`n", "`n"
    if ($normalized -notmatch '^---\n') { return [pscustomobject]@{ Matter = $null; Body = $normalized; LineOffset = 0 } }
    $lines = $normalized.Split("`n")
    for ($i = 1; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -eq '---') {
            foreach ($line in $lines[1..($i - 1)]) {
                if ($line -match '^\s*([^:#]+?)\s*:\s*(.*?)\s*$') { $matter[$Matches[1]] = $Matches[2] }
            }
            $body = ($lines[($i + 1)..($lines.Count - 1)]) -join "`n"
            return [pscustomobject]@{ Matter = $matter; Body = $body; LineOffset = $i + 1 }
        }
    }
    return [pscustomobject]@{ Matter = $null; Body = $normalized; LineOffset = 0 }
}

function ConvertTo-InlineText {
    # The plain text of Markdig inlines, as Get-Help should show it: emphasis and code marks dropped,
    # a link as "text (url)" unless its text is the url, soft line breaks as spaces, HTML comments dropped.
    param($Inline)
    $sb = [System.Text.StringBuilder]::new()
    $node = $Inline
    while ($null -ne $node) {
        switch ($node.GetType().Name) {
            'LiteralInline' { [void]$sb.Append($node.Content.ToString()) }
            'CodeInline' { [void]$sb.Append($node.Content) }
            'LineBreakInline' { [void]$sb.Append($(if ($node.IsHard) { "`n" } else { ' ' })) }
            # '<command>' in prose is text to show; only comments are dropped.
            'HtmlInline' { if (-not $node.Tag.StartsWith('<!--')) { [void]$sb.Append($node.Tag) } }
            'HtmlEntityInline' { [void]$sb.Append($node.Transcoded.ToString()) }
            'AutolinkInline' { [void]$sb.Append($node.Url) }
            'LinkInline' {
                $text = ConvertTo-InlineText $node.FirstChild
                [void]$sb.Append($text)
                if ($node.Url -match '^https?://' -and $node.Url -ne $text) { [void]$sb.Append(" ($($node.Url))") }
            }
            default {
                if ($node -is [Markdig.Syntax.Inlines.ContainerInline]) { [void]$sb.Append((ConvertTo-InlineText $node.FirstChild)) }
                else { [void]$sb.Append($node.ToString()) }
            }
        }
        $node = $node.NextSibling
    }
    $sb.ToString()
}

function Get-FirstLink {
    # The first link of a block's inlines: @{ Text; Uri }, or $null.
    param($Inline)
    $node = $Inline
    while ($null -ne $node) {
        if ($node -is [Markdig.Syntax.Inlines.LinkInline]) {
            return [pscustomobject]@{ Text = (ConvertTo-InlineText $node.FirstChild); Uri = $node.Url }
        }
        if ($node -is [Markdig.Syntax.Inlines.ContainerInline]) {
            $inner = Get-FirstLink $node.FirstChild
            if ($inner) { return $inner }
        }
        $node = $node.NextSibling
    }
    $null
}

function Get-CodeText {
    param($Block)
    ($Block.Lines.Lines | Select-Object -First $Block.Lines.Count | ForEach-Object { $_.ToString() }) -join "`n"
}

function ConvertTo-HelpParagraph {
    # One block as the paragraphs of a MAML description: a paragraph, one per list item ("- text"),
    # a code block indented by four spaces. HTML comments yield nothing.
    param($Block, [System.Collections.Generic.List[string]]$Problems, [string]$Where)
    switch ($Block.GetType().Name) {
        'ParagraphBlock' { return , @((ConvertTo-InlineText $Block.Inline).Trim()) }
        'ListBlock' {
            $out = [System.Collections.Generic.List[string]]::new()
            $n = 1
            foreach ($item in $Block) {
                $bullet = if ($Block.IsOrdered) { "$n. " } else { '- ' }
                $n++
                $parts = foreach ($child in $item) { ConvertTo-HelpParagraph $child $Problems $Where }
                $out.Add($bullet + (($parts | Where-Object { $_ }) -join ' '))
            }
            return , $out.ToArray()
        }
        { $_ -in 'FencedCodeBlock', 'CodeBlock' } {
            $code = Get-CodeText $Block
            return , @((($code -split "`n") | ForEach-Object { "    $_" }) -join "`n")
        }
        'QuoteBlock' {
            return , @(foreach ($child in $Block) { ConvertTo-HelpParagraph $child $Problems $Where })
        }
        'HtmlBlock' { return , @() }
        'ThematicBreakBlock' { return , @() }
        'LinkReferenceDefinitionGroup' { return , @() }
        default {
            $Problems.Add("$Where`: a $($Block.GetType().Name) cannot be shown by Get-Help; use paragraphs, lists or code blocks.")
            return , @()
        }
    }
}

function Read-MarkdownBlocks {
    param([string]$Path)
    $split = Split-FrontMatter ([System.IO.File]::ReadAllText($Path))
    $document = (ConvertFrom-Markdown -InputObject $split.Body).Tokens
    [pscustomobject]@{ Matter = $split.Matter; Blocks = @($document); LineOffset = $split.LineOffset }
}

function Read-CommandHelpPage {
    <#
    .SYNOPSIS
        Parses one cmdlet help page. Returns its parts and a list of problems (file:line: what is wrong);
        structural checks only: comparing the page with the cmdlet is the caller's business.
    #>
    param([Parameter(Mandatory)][string]$Path)

    $problems = [System.Collections.Generic.List[string]]::new()
    $file = Split-Path -Leaf $Path
    $md = Read-MarkdownBlocks $Path
    $page = [pscustomobject]@{
        Path         = $Path
        Name         = $null
        FrontMatter  = $md.Matter
        Sections     = [System.Collections.Generic.List[string]]::new()
        Synopsis     = [System.Collections.Generic.List[string]]::new()
        Description  = [System.Collections.Generic.List[string]]::new()
        Examples     = [System.Collections.Generic.List[object]]::new()
        Parameters   = [ordered]@{}
        Inputs       = [System.Collections.Generic.List[object]]::new()
        Outputs      = [System.Collections.Generic.List[object]]::new()
        Notes        = [System.Collections.Generic.List[string]]::new()
        RelatedLinks = [System.Collections.Generic.List[object]]::new()
        Problems     = $problems
    }
    if ($null -eq $md.Matter) { $problems.Add("$file`: no YAML front matter (external help file, Module Name, schema).") }

    $section = $null; $item = $null
    foreach ($block in $md.Blocks) {
        $where = "$file`:$($block.Line + $md.LineOffset + 1)"
        if ($block -is [Markdig.Syntax.HeadingBlock]) {
            $title = (ConvertTo-InlineText $block.Inline).Trim()
            switch ($block.Level) {
                1 {
                    if ($page.Name) { $problems.Add("$where`: a second '# ' heading; a page documents one cmdlet.") }
                    $page.Name = $title; $section = $null; $item = $null
                }
                2 {
                    $section = $title.ToUpperInvariant(); $item = $null
                    if ($section -notin $script:CommandSections) {
                        $problems.Add("$where`: unknown section '## $title'; the sections are $($script:CommandSections -join ', ').")
                    }
                    elseif ($page.Sections.Contains($section)) { $problems.Add("$where`: '## $title' appears twice.") }
                    $page.Sections.Add($section)
                }
                3 {
                    switch ($section) {
                        'EXAMPLES' {
                            if ($title -notmatch '^Example (\d+)\s*:\s*(\S.*)$') {
                                $problems.Add("$where`: an example heading must read '### Example N: title', not '### $title'.")
                                $item = $null; continue
                            }
                            $item = [pscustomobject]@{
                                Number = [int]$Matches[1]; Title = $Matches[2].Trim(); Code = $null; Remarks = [System.Collections.Generic.List[string]]::new()
                                Runnable = $true; NotRunnableReason = $null; Line = $block.Line + $md.LineOffset + 1; CodeBlocks = 0
                            }
                            $page.Examples.Add($item)
                        }
                        'PARAMETERS' {
                            if ($title -eq 'CommonParameters') { $item = $null; $section = 'COMMONPARAMETERS'; continue }
                            if ($title -notmatch '^-(\w+)$') {
                                $problems.Add("$where`: a parameter heading must read '### -Name', not '### $title'.")
                                $item = $null; continue
                            }
                            $item = [pscustomobject]@{ Name = $Matches[1]; Description = [System.Collections.Generic.List[string]]::new(); Yaml = $null; Line = $block.Line + $md.LineOffset + 1 }
                            if ($page.Parameters.Contains($item.Name)) { $problems.Add("$where`: -$($item.Name) is documented twice.") }
                            $page.Parameters[$item.Name] = $item
                        }
                        'COMMONPARAMETERS' {
                            $section = 'PARAMETERS'
                            if ($title -match '^-(\w+)$') {
                                $item = [pscustomobject]@{ Name = $Matches[1]; Description = [System.Collections.Generic.List[string]]::new(); Yaml = $null; Line = $block.Line + $md.LineOffset + 1 }
                                $page.Parameters[$item.Name] = $item
                            }
                        }
                        { $_ -in 'INPUTS', 'OUTPUTS' } {
                            $item = [pscustomobject]@{ Type = $title; Description = [System.Collections.Generic.List[string]]::new() }
                            if ($section -eq 'INPUTS') { $page.Inputs.Add($item) } else { $page.Outputs.Add($item) }
                        }
                        default { $problems.Add("$where`: '### $title' has no place under '## $section'.") }
                    }
                }
                default { $problems.Add("$where`: heading level $($block.Level) is not part of the schema.") }
            }
            continue
        }

        switch ($section) {
            $null {
                if ($block -isnot [Markdig.Syntax.LinkReferenceDefinitionGroup]) {
                    $problems.Add("$where`: text before the first section.")
                }
            }
            'SYNTAX' { }  # generated from the cmdlet
            'COMMONPARAMETERS' { }  # the standard sentence; Get-Help writes its own
            'SYNOPSIS' { $page.Synopsis.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where)) }
            'DESCRIPTION' { $page.Description.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where)) }
            'NOTES' { $page.Notes.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where)) }
            'EXAMPLES' {
                if ($null -eq $item) {
                    if ($block -isnot [Markdig.Syntax.HtmlBlock]) { $problems.Add("$where`: text under '## EXAMPLES' outside an '### Example N: title' section.") }
                    continue
                }
                if ($block -is [Markdig.Syntax.HtmlBlock]) {
                    $html = (Get-CodeText $block).Trim()
                    if ($html -match $script:NotRunnablePattern) {
                        $item.Runnable = $false
                        $item.NotRunnableReason = $Matches.reason
                        if (-not $item.NotRunnableReason) { $problems.Add("$where`: say why the example cannot run: <!-- not-runnable: reason -->.") }
                    }
                    continue
                }
                if ($block -is [Markdig.Syntax.FencedCodeBlock] -and $item.CodeBlocks -eq 0 -and $item.Remarks.Count -eq 0) {
                    $item.CodeBlocks++
                    if ($block.Info -ne 'powershell') { $problems.Add("$where`: the example's code block must be fenced as ``````powershell, not '$($block.Info)'.") }
                    $item.Code = Get-CodeText $block
                    continue
                }
                if ($block -is [Markdig.Syntax.FencedCodeBlock] -and $block.Info -eq 'powershell') {
                    $item.CodeBlocks++
                    $problems.Add("$where`: Example $($item.Number) has more than one ``````powershell block, or code after its remarks; one block, then the remarks.")
                    continue
                }
                $item.Remarks.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where))
            }
            'PARAMETERS' {
                if ($null -eq $item) {
                    if ($block -isnot [Markdig.Syntax.HtmlBlock]) { $problems.Add("$where`: text under '## PARAMETERS' outside a '### -Name' section.") }
                    continue
                }
                if ($block -is [Markdig.Syntax.FencedCodeBlock] -and $block.Info -eq 'yaml') {
                    $yaml = [ordered]@{}
                    foreach ($line in (Get-CodeText $block) -split "`n") {
                        if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $yaml[$Matches[1]] = $Matches[2] }
                    }
                    $item.Yaml = $yaml
                    continue
                }
                $item.Description.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where))
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                if ($null -eq $item) { $problems.Add("$where`: under '## $section', name each type in a '### Type.Name' heading first."); continue }
                $item.Description.AddRange([string[]](ConvertTo-HelpParagraph $block $problems $where))
            }
            'RELATED LINKS' {
                $entries = if ($block -is [Markdig.Syntax.ListBlock]) { @($block | ForEach-Object { $_ | Select-Object -First 1 }) } else { @($block) }
                foreach ($entry in $entries) {
                    if ($entry -is [Markdig.Syntax.LeafBlock] -and $entry.Inline) {
                        $link = Get-FirstLink $entry.Inline
                        if ($link) { $page.RelatedLinks.Add($link) }
                        else {
                            $text = (ConvertTo-InlineText $entry.Inline).Trim()
                            if ($text) { $page.RelatedLinks.Add([pscustomobject]@{ Text = $text; Uri = '' }) }
                        }
                    }
                }
            }
        }
    }

    # Drop empty paragraphs left by comments and blank lines.
    foreach ($list in $page.Synopsis, $page.Description, $page.Notes) { [void]$list.RemoveAll({ param($p) [string]::IsNullOrWhiteSpace($p) }) }
    $page
}

function Test-CommandHelpPage {
    <#
    .SYNOPSIS
        The structural rules every cmdlet page must meet: returns the problems found (none means good).
    #>
    param([Parameter(Mandatory)]$Page)
    $problems = [System.Collections.Generic.List[string]]::new($Page.Problems)
    $file = Split-Path -Leaf $Page.Path
    $base = [System.IO.Path]::GetFileNameWithoutExtension($Page.Path)

    if ($Page.FrontMatter) {
        foreach ($key in 'external help file', 'Module Name', 'schema') {
            if (-not $Page.FrontMatter.Contains($key) -or -not $Page.FrontMatter[$key]) { $problems.Add("$file`: the front matter lacks '$key'.") }
        }
        if ($Page.FrontMatter.Contains('schema') -and $Page.FrontMatter['schema'] -ne '2.0.0') { $problems.Add("$file`: schema must be 2.0.0.") }
    }
    if (-not $Page.Name) { $problems.Add("$file`: no '# $base' heading.") }
    elseif ($Page.Name -ne $base) { $problems.Add("$file`: the heading '# $($Page.Name)' does not match the file name.") }

    foreach ($section in $script:CommandSections) {
        if (-not $Page.Sections.Contains($section)) { $problems.Add("$file`: the section '## $section' is missing.") }
    }
    if ($Page.Sections.Contains('SYNOPSIS') -and $Page.Synopsis.Count -eq 0) { $problems.Add("$file`: '## SYNOPSIS' is empty.") }
    if ($Page.Sections.Contains('DESCRIPTION') -and $Page.Description.Count -eq 0) { $problems.Add("$file`: '## DESCRIPTION' is empty.") }
    if ($Page.Sections.Contains('EXAMPLES') -and $Page.Examples.Count -lt 3) { $problems.Add("$file`: $($Page.Examples.Count) example(s); write at least three.") }
    $n = 1
    foreach ($example in $Page.Examples) {
        $label = "$file`:$($example.Line): Example $($example.Number)"
        if ($example.Number -ne $n) { $problems.Add("$label`: examples are numbered 1, 2, 3...; expected $n.") }
        $n++
        if ($example.CodeBlocks -eq 0 -or -not $example.Code) { $problems.Add("$label has no ``````powershell block.") }
        else {
            $tokens = $null; $errors = $null
            [void][System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$tokens, [ref]$errors)
            foreach ($e in $errors) { $problems.Add("$label`: the code does not parse: $($e.Message) (line $($e.Extent.StartLineNumber) of the block).") }
        }
        if ($example.Remarks.Count -eq 0) { $problems.Add("$label has no sentence after its code saying what it does.") }
    }
    foreach ($parameter in $Page.Parameters.Values) {
        if ($parameter.Description.Count -eq 0 -or -not ($parameter.Description -join '').Trim()) {
            $problems.Add("$file`:$($parameter.Line): -$($parameter.Name) has no description.")
        }
    }
    if ($Page.Sections.Contains('INPUTS') -and $Page.Inputs.Count -eq 0) { $problems.Add("$file`: '## INPUTS' names no type (write '### None' if nothing is piped).") }
    if ($Page.Sections.Contains('OUTPUTS') -and $Page.Outputs.Count -eq 0) { $problems.Add("$file`: '## OUTPUTS' names no type.") }
    if ($Page.Sections.Contains('RELATED LINKS') -and $Page.RelatedLinks.Count -eq 0) { $problems.Add("$file`: '## RELATED LINKS' is empty.") }
    , $problems.ToArray()
}

function Read-AboutHelpPage {
    <#
    .SYNOPSIS
        Parses an about_ page: its topic name and its sections (title, level, paragraphs) in order.
    #>
    param([Parameter(Mandatory)][string]$Path)
    $problems = [System.Collections.Generic.List[string]]::new()
    $file = Split-Path -Leaf $Path
    $md = Read-MarkdownBlocks $Path
    $page = [pscustomobject]@{ Path = $Path; Name = $null; Sections = [System.Collections.Generic.List[object]]::new(); Problems = $problems }
    $current = $null
    foreach ($block in $md.Blocks) {
        $where = "$file`:$($block.Line + $md.LineOffset + 1)"
        if ($block -is [Markdig.Syntax.HeadingBlock]) {
            $title = (ConvertTo-InlineText $block.Inline).Trim()
            if ($block.Level -eq 1) { $page.Name = $title; continue }
            $current = [pscustomobject]@{ Title = $title; Level = $block.Level; Blocks = [System.Collections.Generic.List[object]]::new() }
            $page.Sections.Add($current)
            continue
        }
        if ($null -eq $current) {
            if ($block -isnot [Markdig.Syntax.LinkReferenceDefinitionGroup]) { $problems.Add("$where`: text before the first '## ' section.") }
            continue
        }
        switch ($block.GetType().Name) {
            'ParagraphBlock' { $current.Blocks.Add([pscustomobject]@{ Kind = 'Paragraph'; Text = (ConvertTo-InlineText $block.Inline).Trim() }) }
            'ListBlock' {
                $n = 1
                foreach ($li in $block) {
                    $parts = foreach ($child in $li) { ConvertTo-HelpParagraph $child $problems $where }
                    $bullet = if ($block.IsOrdered) { "$n." } else { '-' }
                    $current.Blocks.Add([pscustomobject]@{ Kind = 'Item'; Bullet = $bullet; Text = (($parts | Where-Object { $_ }) -join ' ') })
                    $n++
                }
            }
            { $_ -in 'FencedCodeBlock', 'CodeBlock' } { $current.Blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = (Get-CodeText $block) }) }
            'HtmlBlock' { }
            'LinkReferenceDefinitionGroup' { }
            default { $problems.Add("$where`: a $($block.GetType().Name) cannot be shown in an about topic; use paragraphs, lists or code blocks.") }
        }
    }

    $base = [System.IO.Path]::GetFileNameWithoutExtension($Path)
    if ($page.Name -ne $base) { $problems.Add("$file`: the first heading must be '# $base'.") }
    foreach ($required in 'Short description', 'Long description') {
        $s = $page.Sections | Where-Object { $_.Title -eq $required -and $_.Level -eq 2 }
        if (-not $s) { $problems.Add("$file`: the section '## $required' is missing.") }
        elseif ($s.Blocks.Count -eq 0) { $problems.Add("$file`: '## $required' is empty.") }
    }
    $page
}

function Format-WrappedText {
    param([string]$Text, [int]$Indent, [int]$HangingIndent = $Indent, [int]$Width = 80)
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($hardLine in $Text -split "`n") {
        $line = ' ' * $Indent
        $lineHasWord = $false
        foreach ($word in $hardLine -split ' +' | Where-Object { $_ }) {
            if ($lineHasWord -and $line.Length + 1 + $word.Length -gt $Width) {
                $lines.Add($line)
                $line = (' ' * $HangingIndent) + $word
            }
            else {
                $line += $(if ($lineHasWord) { ' ' } else { '' }) + $word
            }
            $lineHasWord = $true
        }
        $lines.Add($line.TrimEnd())
        $Indent = $HangingIndent
    }
    $lines -join [Environment]::NewLine
}

function ConvertTo-AboutHelpText {
    <#
    .SYNOPSIS
        Renders a parsed about page as about_<Topic>.help.txt: TOPIC, SHORT DESCRIPTION, LONG DESCRIPTION
        and every other '## ' section as an upper-case heading, text wrapped at 80 columns and indented by four.
    #>
    param([Parameter(Mandatory)]$Page)
    $nl = [Environment]::NewLine
    $out = [System.Text.StringBuilder]::new()
    [void]$out.Append('TOPIC').Append($nl).Append('    ').Append($Page.Name).Append($nl).Append($nl)
    foreach ($section in $Page.Sections) {
        if ($section.Level -eq 2) { [void]$out.Append($section.Title.ToUpperInvariant()).Append($nl) }
        else { [void]$out.Append('  ').Append($section.Title).Append($nl) }
        $previous = $null
        foreach ($b in $section.Blocks) {
            # A list is followed by a blank line before whatever comes next.
            if ($previous -eq 'Item' -and $b.Kind -ne 'Item') { [void]$out.Append($nl) }
            $previous = $b.Kind
            switch ($b.Kind) {
                'Paragraph' { [void]$out.Append((Format-WrappedText $b.Text -Indent 4)).Append($nl).Append($nl) }
                'Item' {
                    $prefix = "    $($b.Bullet) "
                    [void]$out.Append((Format-WrappedText ($b.Bullet + ' ' + $b.Text) -Indent 4 -HangingIndent $prefix.Length)).Append($nl)
                }
                'Code' {
                    foreach ($codeLine in $b.Text -split "`n") { [void]$out.Append(('        ' + $codeLine).TrimEnd()).Append($nl) }
                    [void]$out.Append($nl)
                }
            }
        }
        # A list ends its section without the blank line a paragraph leaves.
        if ($section.Blocks.Count -gt 0 -and $section.Blocks[-1].Kind -eq 'Item') { [void]$out.Append($nl) }
    }
    $out.ToString().TrimEnd() + $nl
}

Export-ModuleMember -Function Read-CommandHelpPage, Test-CommandHelpPage, Read-AboutHelpPage, ConvertTo-AboutHelpText
