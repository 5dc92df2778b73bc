<#
Builds the module's MAML help (en-US/PbiPreflight.dll-Help.xml) from readable sources, one file per cmdlet under
module/help/. platyPS would do this, but the package registry here does not serve it, so this small generator
does the part the module needs.

THE SOURCE FORMAT

Each cmdlet has module/help/<Verb-Noun>.md. Headings start a part; everything else is prose. Only prose lives in
the sources: the syntax, parameter sets, types, positions, aliases, mandatory flags, pipeline input, wildcards and
default values are read from the compiled cmdlet through Get-Command, so they cannot go stale.

    # Verb-Noun

    ## SYNOPSIS
    One sentence.

    ## DESCRIPTION
    Paragraphs, separated by blank lines. Lines of one paragraph are joined, so wrap them freely.

    - A line starting with "- " is a paragraph of its own, for lists.

    ## PARAMETERS

    ### -ParameterName
    What it does, its unit, its range and what happens when it is left out.

    ## INPUTS

    ### System.String
    What may be piped, and how it binds. Write "### None" when nothing can be piped.

    ## OUTPUTS

    ### PbiPreflight.CheckResult
    What comes out.

    ## EXAMPLES

    ### Example 1: A title that says what the example is for
    ```powershell
    Invoke-PbiPreflight -TenantId contoso.onmicrosoft.com ...
    ```
    Paragraphs after the code block explain it.

    ## NOTES
    Paragraphs.

    ## RELATED LINKS
    - about_PbiPreflight
    - Test-PbiCredentialScope

module/help/SharedParameters.md holds, under "## PARAMETERS", the parameters several cmdlets share (-TenantId,
-ClientSecret, ...). A cmdlet file describes only its own parameters, and may override a shared one by describing
it again. Headings inside a fenced code block are code, not headings, so PowerShell comments are safe there.

Adding help for a new cmdlet is one new file; for a new parameter, one "### -Name" entry in the cmdlet's file or in
SharedParameters.md. What is missing is reported as a warning here and fails tests/Pester/Help.Tests.ps1.

The generator needs the built module: run it in a fresh PowerShell (build.ps1 does) so that the module it imports
is the one just laid out.
#>

Set-StrictMode -Version Latest

$script:MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:SharedParametersFile = 'SharedParameters.md'

function Read-HelpSource {
    <#
    .SYNOPSIS
        Parses one help source file into its parts.

    .OUTPUTS
        An object with Name, Synopsis, Description, Parameters (name to paragraphs), Inputs and Outputs (type and
        paragraphs), Examples (title, code and remarks), Notes and Links.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)

    $source = [pscustomobject]@{
        Path        = $Path
        Name        = $null
        Synopsis    = @()
        Description = @()
        Parameters  = [ordered]@{}
        Inputs      = [System.Collections.Generic.List[object]]::new()
        Outputs     = [System.Collections.Generic.List[object]]::new()
        Examples    = [System.Collections.Generic.List[object]]::new()
        Notes       = @()
        Links       = @()
    }

    # Lines are gathered per (section, subsection) and turned into paragraphs when the part ends.
    $section = $null
    $entry = $null
    $lines = [System.Collections.Generic.List[string]]::new()
    $code = $null
    $inFence = $false

    $closePart = {
        $paragraphs = ConvertTo-HelpParagraph $lines
        switch ($section) {
            'SYNOPSIS' { $source.Synopsis = $paragraphs }
            'DESCRIPTION' { $source.Description = $paragraphs }
            'NOTES' { $source.Notes = $paragraphs }
            'RELATED LINKS' { $source.Links = @($paragraphs | ForEach-Object { $_ -replace '^-\s*', '' }) }
            'PARAMETERS' {
                if ($entry) {
                    $source.Parameters[$entry.TrimStart('-')] = $paragraphs
                }
            }
            'INPUTS' {
                if ($entry) {
                    $source.Inputs.Add([pscustomobject]@{ Type = $entry; Description = $paragraphs })
                }
            }
            'OUTPUTS' {
                if ($entry) {
                    $source.Outputs.Add([pscustomobject]@{ Type = $entry; Description = $paragraphs })
                }
            }
            'EXAMPLES' {
                if ($entry) {
                    $source.Examples.Add([pscustomobject]@{ Title = $entry; Code = $code; Remarks = $paragraphs })
                }
            }
        }

        $lines.Clear()
    }

    foreach ($line in Get-Content -Path $Path -Encoding utf8) {
        if ($line -match '^```') {
            if ($inFence) {
                $inFence = $false
            }
            else {
                $inFence = $true
                $code = [System.Collections.Generic.List[string]]::new()
            }

            continue
        }

        if ($inFence) {
            $code.Add($line)
            continue
        }

        if ($line -match '^#\s+(\S.*)$') {
            $source.Name = $Matches[1].Trim()
        }
        elseif ($line -match '^##\s+(\S.*)$') {
            & $closePart
            $section = $Matches[1].Trim().ToUpperInvariant()
            $entry = $null
            $code = $null
        }
        elseif ($line -match '^###\s+(\S.*)$') {
            & $closePart
            $entry = $Matches[1].Trim()
            $code = $null
        }
        else {
            $lines.Add($line)
        }
    }

    if ($inFence) {
        throw "$Path ends inside a code block."
    }

    & $closePart
    foreach ($example in $source.Examples) {
        if ($example.Code) {
            $example.Code = ($example.Code -join "`n").Trim()
        }
    }

    return $source
}

function ConvertTo-HelpParagraph {
    # Blank lines end a paragraph; a line starting with "- " starts one; other lines join the one before.
    param([string[]] $Lines)

    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = $null
    foreach ($line in $Lines) {
        $text = $line.Trim()
        if (-not $text) {
            if ($current) {
                $paragraphs.Add($current)
            }

            $current = $null
        }
        elseif ($text.StartsWith('- ') -or -not $current) {
            if ($current) {
                $paragraphs.Add($current)
            }

            $current = $text
        }
        else {
            $current = "$current $text"
        }
    }

    if ($current) {
        $paragraphs.Add($current)
    }

    return , $paragraphs.ToArray()
}

function Get-HelpProblem {
    <#
    .SYNOPSIS
        Lists what the sources lack for a command, or describe that the command does not have.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command,
        [AllowNull()] $Source,
        [System.Collections.IDictionary] $SharedParameters = @{}
    )

    if (-not $Source) {
        return "$($Command.Name): no help source module/help/$($Command.Name).md."
    }

    $problems = [System.Collections.Generic.List[string]]::new()
    foreach ($part in 'Synopsis', 'Description', 'Inputs', 'Outputs') {
        if (@($Source.$part).Count -eq 0) {
            $problems.Add("$($Command.Name): no $($part.ToUpperInvariant()) section.")
        }
    }

    if ($Source.Examples.Count -lt 3) {
        $problems.Add("$($Command.Name): $($Source.Examples.Count) example(s); at least 3 are needed.")
    }

    foreach ($example in $Source.Examples) {
        if (-not $example.Code -or @($example.Remarks).Count -eq 0) {
            $problems.Add("$($Command.Name): example '$($example.Title)' needs a code block and a remark.")
        }
    }

    foreach ($name in Get-DocumentedParameterName $Command) {
        if (-not $Source.Parameters.Contains($name) -and -not $SharedParameters.Contains($name)) {
            $problems.Add("$($Command.Name): parameter -$name has no description.")
        }
    }

    foreach ($name in $Source.Parameters.Keys) {
        if (-not $Command.Parameters.ContainsKey($name)) {
            $problems.Add("$($Command.Name): the source describes -$name, which the cmdlet does not have.")
        }
    }

    return $problems
}

function Get-DocumentedParameterName {
    # The parameters help must describe: all but the common parameters PowerShell documents itself in
    # about_CommonParameters. -WhatIf and -Confirm, which only some cmdlets have, are described with the cmdlet,
    # as PowerShell's own help does: Get-Help -Parameter WhatIf finds nothing otherwise.
    param([System.Management.Automation.CommandInfo] $Command)

    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    return @($Command.Parameters.Keys | Where-Object { $_ -notin $common })
}

function Export-ModuleHelp {
    <#
    .SYNOPSIS
        Writes the MAML help of every cmdlet of a module from the help sources.

    .DESCRIPTION
        Imports the module, reads each exported cmdlet's metadata with Get-Command and its prose from
        <SourcePath>/<Verb-Noun>.md and <SourcePath>/SharedParameters.md, and writes <OutputPath>/<assembly>-Help.xml.
        What the sources lack is written as warnings and returned as Problems; the help is still written, so a
        missing description shows up in Get-Help and in the help tests rather than breaking the build.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $SourcePath,
        [Parameter(Mandatory)] [string] $OutputPath
    )

    $module = Import-Module $ModulePath -PassThru -Force -ErrorAction Stop
    $commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
    $shared = [ordered]@{}
    $sharedPath = Join-Path $SourcePath $script:SharedParametersFile
    if (Test-Path $sharedPath) {
        $shared = (Read-HelpSource -Path $sharedPath).Parameters
    }

    $problems = [System.Collections.Generic.List[string]]::new()
    $entries = foreach ($command in $commands) {
        $sourceFile = Join-Path $SourcePath "$($command.Name).md"
        $source = if (Test-Path $sourceFile) { Read-HelpSource -Path $sourceFile } else { $null }
        foreach ($problem in Get-HelpProblem -Command $command -Source $source -SharedParameters $shared) {
            Write-Warning $problem
            $problems.Add($problem)
        }

        [pscustomobject]@{ Command = $command; Source = $source }
    }

    # Binary cmdlets look for help in a file named after their assembly.
    $helpFile = $commands | ForEach-Object HelpFile | Where-Object { $_ } | Select-Object -Unique
    if (@($helpFile).Count -ne 1) {
        throw "Expected one help file name for the module's cmdlets, found: $($helpFile -join ', ')."
    }

    New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
    $target = Join-Path $OutputPath ([System.IO.Path]::GetFileName($helpFile))
    Write-MamlFile -Path $target -Entries $entries -SharedParameters $shared

    return [pscustomobject]@{ Path = $target; Commands = $commands.Count; Problems = $problems.ToArray() }
}

function Write-MamlFile {
    param([string] $Path, [object[]] $Entries, [System.Collections.IDictionary] $SharedParameters)

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($entry in $Entries) {
            Write-MamlCommand -Writer $writer -Command $entry.Command -Source $entry.Source -Shared $SharedParameters
        }

        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
}

function Write-MamlCommand {
    param(
        [System.Xml.XmlWriter] $Writer,
        [System.Management.Automation.CmdletInfo] $Command,
        $Source,
        [System.Collections.IDictionary] $Shared
    )

    $Writer.WriteStartElement('command', 'command', $script:CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNamespace)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNamespace)

    $Writer.WriteStartElement('details', $script:CommandNamespace)
    $Writer.WriteElementString('name', $script:CommandNamespace, $Command.Name)
    $Writer.WriteElementString('verb', $script:CommandNamespace, $Command.Verb)
    $Writer.WriteElementString('noun', $script:CommandNamespace, $Command.Noun)
    Write-MamlDescription $Writer (Get-SourcePart $Source 'Synopsis')
    $Writer.WriteEndElement()

    Write-MamlDescription $Writer (Get-SourcePart $Source 'Description')

    $defaults = Get-ParameterDefault $Command
    $described = Get-OrderedParameterName $Command $Source $Shared
    $Writer.WriteStartElement('syntax', $script:CommandNamespace)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('syntaxItem', $script:CommandNamespace)
        $Writer.WriteElementString('name', $script:MamlNamespace, $Command.Name)
        # As Get-Command writes syntax: positional parameters first, then mandatory ones, then the rest.
        $inSet = $set.Parameters | Where-Object Name -in $described | Sort-Object `
            { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } },
            { -not $_.IsMandatory },
            { [array]::IndexOf($described, $_.Name) }
        foreach ($parameter in $inSet) {
            Write-MamlParameter -Writer $Writer -Command $Command -Name $parameter.Name -Set $set `
                -Description (Get-ParameterProse $Source $Shared $parameter.Name) -Default $defaults[$parameter.Name]
        }

        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()

    $Writer.WriteStartElement('parameters', $script:CommandNamespace)
    foreach ($name in $described) {
        Write-MamlParameter -Writer $Writer -Command $Command -Name $name `
            -Description (Get-ParameterProse $Source $Shared $name) -Default $defaults[$name]
    }

    $Writer.WriteEndElement()

    Write-MamlTypeList $Writer 'inputTypes' 'inputType' (Get-SourcePart $Source 'Inputs')
    Write-MamlTypeList $Writer 'returnValues' 'returnValue' (Get-SourcePart $Source 'Outputs')

    $notes = @(Get-SourcePart $Source 'Notes')
    if ($notes.Count -gt 0) {
        $Writer.WriteStartElement('alertSet', $script:MamlNamespace)
        $Writer.WriteStartElement('alert', $script:MamlNamespace)
        Write-MamlParagraph $Writer $notes
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('examples', $script:CommandNamespace)
    $number = 0
    foreach ($example in @(Get-SourcePart $Source 'Examples')) {
        $number++
        $title = $example.Title -replace '^Example\s+\d+\s*:\s*', ''
        $Writer.WriteStartElement('example', $script:CommandNamespace)
        $Writer.WriteElementString('title', $script:MamlNamespace, "---------- Example ${number}: $title ----------")
        $Writer.WriteElementString('code', $script:DevNamespace, $example.Code)
        $Writer.WriteStartElement('remarks', $script:DevNamespace)
        # A last empty paragraph parts one example from the next, as in PowerShell's own help.
        Write-MamlParagraph $Writer (@($example.Remarks) + '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()

    $Writer.WriteStartElement('relatedLinks', $script:CommandNamespace)
    foreach ($link in @(Get-SourcePart $Source 'Links')) {
        $Writer.WriteStartElement('navigationLink', $script:MamlNamespace)
        $Writer.WriteElementString('linkText', $script:MamlNamespace, $link)
        $Writer.WriteElementString('uri', $script:MamlNamespace, '')
        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

function Get-OrderedParameterName {
    # Reflection lists a derived cmdlet's own parameters before its base class's; the order the sources describe
    # them in (shared ones first) reads better: identity, cloud, network, then what the cmdlet adds.
    param([System.Management.Automation.CmdletInfo] $Command, $Source, [System.Collections.IDictionary] $Shared)

    $documented = Get-DocumentedParameterName $Command
    $order = @($Shared.Keys) + @(if ($Source) { $Source.Parameters.Keys })
    $rank = { $index = [array]::IndexOf($order, $_); if ($index -ge 0) { $index } else { [int]::MaxValue } }
    return [string[]] @($documented | Sort-Object $rank)
}

function Get-SourcePart {
    # A part of a source that may be missing altogether; the warning about it was written already.
    param($Source, [string] $Part)

    if ($Source) {
        return $Source.$Part
    }

    return @()
}

function Get-ParameterProse {
    param($Source, [System.Collections.IDictionary] $Shared, [string] $Name)

    if ($Source -and $Source.Parameters.Contains($Name)) {
        return $Source.Parameters[$Name]
    }

    if ($Shared.Contains($Name)) {
        return $Shared[$Name]
    }

    return @()
}

function Get-ParameterDefault {
    # The defaults are the property values of a fresh instance of the cmdlet class: what the code really uses.
    param([System.Management.Automation.CmdletInfo] $Command)

    $defaults = @{}
    $instance = [System.Activator]::CreateInstance($Command.ImplementingType)
    foreach ($name in $Command.Parameters.Keys) {
        $property = $Command.ImplementingType.GetProperty($name)
        if (-not $property) {
            continue
        }

        $value = $property.GetValue($instance)
        $defaults[$name] = switch ($value) {
            { $null -eq $_ } { 'None'; break }
            { $_ -is [System.Management.Automation.SwitchParameter] } { "$($_.IsPresent)"; break }
            { $_ -is [string] -and -not $_ } { 'None'; break }
            default { [System.Convert]::ToString($_, [cultureinfo]::InvariantCulture) }
        }
    }

    if ($instance -is [System.IDisposable]) {
        $instance.Dispose()
    }

    return $defaults
}

function Write-MamlParameter {
    param(
        [System.Xml.XmlWriter] $Writer,
        [System.Management.Automation.CmdletInfo] $Command,
        [string] $Name,
        # One parameter set for the syntax; none for the parameter list, which sums the sets up.
        [System.Management.Automation.CommandParameterSetInfo] $Set,
        [string[]] $Description,
        [string] $Default
    )

    $metadata = $Command.Parameters[$Name]
    $type = $metadata.ParameterType
    $attributes = if ($Set) {
        @($metadata.ParameterSets[$Set.Name], $metadata.ParameterSets['__AllParameterSets']) | Where-Object { $_ } |
            Select-Object -First 1
    }
    else {
        $metadata.ParameterSets.Values
    }

    # Required in the list when it is required in every set it belongs to, as Get-Help has one flag for it.
    $required = @($attributes | Where-Object { -not $_.IsMandatory }).Count -eq 0
    $positions = @($attributes | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
    $position = if ($positions.Count -eq 1) { "$($positions[0])" } else { 'named' }
    $binding = @()
    if (@($attributes | Where-Object ValueFromPipeline).Count -gt 0) {
        $binding += 'ByValue'
    }

    if (@($attributes | Where-Object ValueFromPipelineByPropertyName).Count -gt 0) {
        $binding += 'ByPropertyName'
    }

    $pipeline = if ($binding) { "True ($($binding -join ', '))" } else { 'False' }
    $wildcards = @($metadata.Attributes |
        Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]

    $Writer.WriteStartElement('parameter', $script:CommandNamespace)
    $Writer.WriteAttributeString('required', "$required".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', "$($type.IsArray)".ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', "$($wildcards.Count -gt 0)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $pipeline)
    $Writer.WriteAttributeString('position', $position)
    $aliases = if ($metadata.Aliases.Count) { $metadata.Aliases -join ', ' } else { 'none' }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('name', $script:MamlNamespace, $Name)
    Write-MamlDescription $Writer $Description
    if (-not $isSwitch) {
        $Writer.WriteStartElement('parameterValue', $script:CommandNamespace)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', "$($type.IsArray)".ToLowerInvariant())
        $Writer.WriteString($type.Name)
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('type', $script:DevNamespace)
    $Writer.WriteElementString('name', $script:MamlNamespace, $type.FullName)
    $Writer.WriteEndElement()
    $Writer.WriteElementString('defaultValue', $script:DevNamespace, $(if ($Default) { $Default } else { 'None' }))
    $Writer.WriteEndElement()
}

function Write-MamlTypeList {
    param([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, [object[]] $Items)

    $Writer.WriteStartElement($ListName, $script:CommandNamespace)
    foreach ($item in $Items) {
        $Writer.WriteStartElement($ItemName, $script:CommandNamespace)
        $Writer.WriteStartElement('type', $script:DevNamespace)
        $Writer.WriteElementString('name', $script:MamlNamespace, $item.Type)
        $Writer.WriteEndElement()
        Write-MamlDescription $Writer $item.Description
        $Writer.WriteEndElement()
    }

    $Writer.WriteEndElement()
}

function Write-MamlDescription {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)

    $Writer.WriteStartElement('description', $script:MamlNamespace)
    Write-MamlParagraph $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-MamlParagraph {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)

    foreach ($paragraph in $Paragraphs) {
        $Writer.WriteElementString('para', $script:MamlNamespace, $paragraph)
    }
}

Export-ModuleMember -Function Read-HelpSource, Get-HelpProblem, Export-ModuleHelp
