# The help users get from Get-Help: every exported command, every parameter, read from the built module in a fresh
# PowerShell, so a new cmdlet or parameter without help fails here. The about topic names every reason the engine
# can give.

BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '../..'
    $modulePath = Join-Path $root 'out/PbiPreflight/PbiPreflight.psd1'
    $builderPath = Join-Path $root 'tests/tools/HelpBuilder.psm1'

    # One fresh PowerShell reads the help of every command as a user's session would, after Import-Module only.
    $dump = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-help-" + [guid]::NewGuid().ToString('N') + '.xml')
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$modulePath'
Import-Module '$builderPath'
`$common = [System.Management.Automation.PSCmdlet]::CommonParameters
`$shared = (Read-HelpSource -Path '$root/module/help/SharedParameters.md').Parameters
`$commands = foreach (`$command in Get-Command -Module PbiPreflight) {
    `$help = Get-Help `$command.Name -Full
    `$source = Join-Path '$root/module/help' "`$(`$command.Name).md"
    [pscustomobject]@{
        Name        = `$command.Name
        Synopsis    = `$help.Synopsis
        Description = @(`$help.description | ForEach-Object Text) -join ' '
        Parameters  = @(`$command.Parameters.Keys | Where-Object { `$_ -notin `$common } | ForEach-Object {
            `$name = `$_
            `$entry = `$help.parameters.parameter | Where-Object name -eq `$name
            [pscustomobject]@{
                Name        = `$name
                Description = if (`$entry) { @(`$entry.description | ForEach-Object Text) -join ' ' } else { '' }
            }
        })
        Inputs      = @(`$help.inputTypes.inputType | ForEach-Object { `$_.type.name } | Where-Object { `$_ })
        Outputs     = @(`$help.returnValues.returnValue | ForEach-Object { `$_.type.name } | Where-Object { `$_ })
        OutputTypes = @(`$command.OutputType | ForEach-Object Name)
        Examples    = @(`$help.examples.example | ForEach-Object {
            [pscustomobject]@{ Code = `$_.code; Remarks = @(`$_.remarks | ForEach-Object Text) -join ' ' }
        })
        FullText    = Get-Help `$command.Name -Full | Out-String -Width 200
        SourceSynopsis = if (Test-Path `$source) { (Read-HelpSource -Path `$source).Synopsis -join ' ' } else { '' }
        Problems    = @(Get-HelpProblem -Command `$command -SharedParameters `$shared -Source `$(
            if (Test-Path `$source) { Read-HelpSource `$source }))
    }
}
[pscustomobject]@{
    Commands = @(`$commands)
    About    = Get-Help about_PbiPreflight | Out-String -Width 200
} | Export-Clixml -Path '$dump' -Depth 5
"@
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script | Out-Null
    $script:Help = Import-Clixml -Path $dump
    Remove-Item $dump

    # Pester makes the keys of hashtables, not the properties of objects, into variables of each test.
    $script:Commands = foreach ($command in $script:Help.Commands) {
        $entry = @{}
        foreach ($property in $command.psobject.Properties) {
            $entry[$property.Name] = $property.Value
        }

        $entry.Parameters = @($command.Parameters |
            ForEach-Object { @{ Name = $_.Name; Description = $_.Description } })
        $entry
    }

    $catalog = Get-Content -Raw (Join-Path $root 'src/PbiPreflight.Core/Diagnosis/DiagnosisCatalog.cs')
    $script:Reasons = @([regex]::Matches($catalog, 'new Diagnosis\(\s*"(\w+)"') | ForEach-Object { $_.Groups[1].Value })
}

Describe 'Help for <Name>' -ForEach $script:Commands {
    It 'comes from the MAML file: its synopsis is the source''s, not generated syntax' {
        $SourceSynopsis | Should -Not -BeNullOrEmpty -Because "module/help/$Name.md needs a SYNOPSIS"
        $Synopsis | Should -Be $SourceSynopsis
    }

    It 'has a description' {
        $Description | Should -Not -BeNullOrEmpty
    }

    It 'describes its inputs and its outputs, naming every declared output type' {
        $Inputs | Should -Not -BeNullOrEmpty
        $Outputs | Should -Not -BeNullOrEmpty
        foreach ($type in $OutputTypes) {
            $Outputs | Should -Contain $type
        }
    }

    It 'has at least three examples, each with code and a remark' {
        @($Examples).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $Examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            $example.Remarks | Should -Not -BeNullOrEmpty
        }
    }

    It 'shows its description, parameters and examples in Get-Help -Full' {
        $FullText | Should -BeLike "*$(($Description -split '\s+')[0..8] -join ' ')*"
        $FullText | Should -BeLike '*Example 1:*'
        $FullText | Should -BeLike '*Accept pipeline input?*'
        $FullText | Should -Not -BeLike '*Get-Help cannot find the Help files*'
    }

    It 'has sources that describe only parameters the cmdlet has, and lack nothing' {
        $Problems | Should -BeNullOrEmpty
    }

    Context 'Parameter -<Name>' -ForEach $Parameters {
        It 'has a description' {
            $Description | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'The about_PbiPreflight topic' -ForEach @(@{ About = $script:Help.About; Reasons = $script:Reasons }) {
    It 'is found by Get-Help once the module is imported, and names the tenant settings' {
        $About | Should -BeLike '*TENANT SETTINGS THE CHECKS DEPEND ON*'
        $About | Should -BeLike '*Service principals can access read-only admin APIs*'
        $About | Should -BeLike '*Enhance admin APIs responses with detailed metadata*'
        $About | Should -BeLike '*Enhance admin APIs responses with DAX and mashup expressions*'
        $About | Should -BeLike '*Service principals can use Fabric APIs*'
    }

    It 'explains the reason <_>' -ForEach $Reasons {
        $About | Should -Match "\b$_\b"
    }
}
