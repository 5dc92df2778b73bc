@{
    # The cold-start benchmark's empty module: one binary cmdlet, nothing else.
    RootModule        = 'PbiBenchEmpty.dll'
    ModuleVersion     = '1.0.0'
    GUID              = '0c5b7f5e-2f61-4f0e-9a8e-6d2f3b1e7a10'
    Author            = 'PbiPreflight contributors'
    CmdletsToExport   = @('Get-BenchNothing')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
