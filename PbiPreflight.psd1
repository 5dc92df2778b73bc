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
    FormatsToProcess       = @('PbiPreflight.Format.ps1xml')
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
            ReleaseNotes = 'First release: credential scope, workspace permission and metadata scan checks for service principals with a client secret.'
        }
    }
}
