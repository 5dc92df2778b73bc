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
- Test-PbiCredentialScope, Test-PbiWorkspacePermission, Test-PbiMetadataScan and Invoke-PbiPreflight, in the public,
  US Government (GCC, GCC High, DoD) and China clouds.
- Every common sign-in: client secret, certificate (thumbprint, object, PFX or PEM file), user name and password,
  device code, managed identity (-Identity), workload identity federation (GitHub Actions, Azure DevOps,
  Kubernetes) and an access token already held; the token's claims are read and diagnosed, never printed.
- Tenant settings and group membership checks; -Quiet and -FailOnError for runbooks; many tenants at once with
  -ThrottleLimit; Export-PbiPreflightReport to HTML, Markdown, JUnit and JSON.
- Full help (Get-Help <cmdlet> -Full, about_PbiPreflight), a table view grouped by tenant and a list view.
'@
        }
    }
}
