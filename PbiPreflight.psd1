@{
    # The build stamps ModuleVersion from Directory.Build.props; this source copy is never imported directly.
    RootModule             = 'PbiPreflight.dll'
    ModuleVersion          = '0.0.0'
    GUID                   = '3f6c0d2e-8a41-4c1b-9d55-2b7e9a4f1c60'
    Author                 = 'PbiPreflight contributors'
    CompanyName            = 'PbiPreflight'
    Copyright              = '(c) PbiPreflight contributors. MIT License.'
    Description            = 'Preflight checks for data catalogs that crawl Power BI: credentials, workspace access, and the admin scanner API, each failure named with its cause and fix.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    # netstandard2.0 assemblies load in Windows PowerShell 5.1 from .NET Framework 4.7.2 on.
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('PbiPreflight.Format.ps1xml')
    TypesToProcess         = @('PbiPreflight.Types.ps1xml')
    CmdletsToExport        = @(
        'Test-PbiCredentialScope'
        'Test-PbiWorkspacePermission'
        'Test-PbiMetadataScan'
        'Invoke-PbiPreflight'
        'Export-PbiPreflightReport'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('PowerBI', 'Fabric', 'EntraID', 'Scanner', 'Preflight', 'DataCatalog', 'PSEdition_Core', 'PSEdition_Desktop')
            # No public repository or licence file exists yet, so ProjectUri and LicenseUri are left out rather than
            # pointing nowhere.
            ReleaseNotes = @'
0.1.0
- Test-PbiCredentialScope, Test-PbiWorkspacePermission, Test-PbiMetadataScan and Invoke-PbiPreflight for service
  principals with a client secret, in the public, US Government and China clouds.
- Tenant settings and group membership checks; -Quiet and -FailOnError for runbooks; pipeline input of many tenants.
- Full help (Get-Help <cmdlet> -Full, about_PbiPreflight), a table view grouped by tenant and a list view.
'@
        }
    }
}
