<#
.SYNOPSIS
    Imports a built module and writes, as JSON on standard output, what its help is generated from:
    every exported cmdlet's parameter sets, parameters (type, position, mandatory, pipeline binding,
    aliases, allowed values, default value) and output types.
.DESCRIPTION
    Run it in a child pwsh, so that the build never loads the module it has just assembled.
    Default values are read from a freshly constructed instance of each cmdlet class: what a parameter
    holds when the user does not give it.
#>
param([Parameter(Mandatory)][string]$ModulePath)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module -Name $ModulePath -PassThru
$common = [System.Collections.Generic.HashSet[string]]::new([string[]]([System.Management.Automation.Cmdlet]::CommonParameters), [StringComparer]::OrdinalIgnoreCase)
$shouldProcess = [string[]][System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-ShortTypeName([type]$Type) {
    if ($Type.IsArray) { return (Get-ShortTypeName $Type.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-ShortTypeName $underlying }
    if ($Type.IsGenericType) {
        $name = $Type.Name.Substring(0, $Type.Name.IndexOf('`'))
        return $name + '[' + (($Type.GetGenericArguments() | ForEach-Object { Get-ShortTypeName $_ }) -join ', ') + ']'
    }
    $Type.Name
}

function Get-DefaultText($Instance, [string]$Name) {
    $property = $Instance.GetType().GetProperty($Name)
    if ($null -eq $property) { return 'None' }
    $value = $property.GetValue($Instance)
    if ($null -eq $value) { return 'None' }
    if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
    if ($value -is [System.Array]) { return $(if ($value.Length -eq 0) { 'None' } else { ($value | ForEach-Object { [string]$_ }) -join ', ' }) }
    if ($value -is [string] -and $value.Length -eq 0) { return 'None' }
    [string]$value
}

$commands = foreach ($name in ($module.ExportedCmdlets.Keys | Sort-Object)) {
    $command = Get-Command -Name $name -Module $module.Name -CommandType Cmdlet
    $instance = [Activator]::CreateInstance($command.ImplementingType)
    try {
        $parameters = foreach ($p in $command.Parameters.Values) {
            if ($common.Contains($p.Name)) { continue }
            $values = @()
            $validateSet = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            $enumType = if ($p.ParameterType.IsEnum) { $p.ParameterType } elseif ($p.ParameterType.IsArray -and $p.ParameterType.GetElementType().IsEnum) { $p.ParameterType.GetElementType() }
            if ($validateSet) { $values = @($validateSet.ValidValues) }
            elseif ($enumType) { $values = @([Enum]::GetNames($enumType)) }
            [pscustomobject]@{
                Name           = $p.Name
                Type           = Get-ShortTypeName $p.ParameterType
                TypeFullName   = $p.ParameterType.FullName
                IsSwitch       = $p.SwitchParameter
                Aliases        = @($p.Aliases)
                Values         = $values
                Globbing       = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                Default        = Get-DefaultText $instance $p.Name
                IsShouldProcess = $p.Name -in $shouldProcess
            }
        }
        $sets = foreach ($set in $command.ParameterSets) {
            [pscustomobject]@{
                Name       = $set.Name
                IsDefault  = $set.IsDefault
                Parameters = @(foreach ($p in $set.Parameters) {
                        if ($common.Contains($p.Name)) { continue }
                        [pscustomobject]@{
                            Name           = $p.Name
                            Position       = $(if ($p.Position -ge 0) { $p.Position } else { $null })
                            IsMandatory    = $p.IsMandatory
                            ByValue        = $p.ValueFromPipeline
                            ByPropertyName = $p.ValueFromPipelineByPropertyName
                            Remaining      = $p.ValueFromRemainingArguments
                        }
                    })
            }
        }
        [pscustomobject]@{
            Name          = $command.Name
            Verb          = $command.Verb
            Noun          = $command.Noun
            HelpFile      = $command.HelpFile
            DefaultSet    = $command.DefaultParameterSet
            OutputTypes   = @($command.OutputType | ForEach-Object { if ($_.Type) { $_.Type.FullName } else { $_.Name } })
            Parameters    = @($parameters)
            ParameterSets = @($sets)
        }
    }
    finally {
        if ($instance -is [System.IDisposable]) { $instance.Dispose() }
    }
}

ConvertTo-Json -InputObject @($commands) -Depth 8 -Compress
