# The module as PowerShell users meet it: its manifest, its parameter errors, and results that pipe, format and
# export, with the secret in none of them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $modulePath = Join-Path $PSScriptRoot '../../out/PbiPreflight/PbiPreflight.psd1'
}

Describe 'The manifest' {
    BeforeAll {
        $manifest = Test-ModuleManifest -Path $modulePath -ErrorAction Stop
        $data = Import-PowerShellDataFile -Path $modulePath
    }

    It 'passes Test-ModuleManifest with the version of Directory.Build.props' {
        [xml] $props = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props')
        $expected = @($props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ })[0]
        $manifest.Version | Should -Be ([version] $expected)
    }

    It 'exports exactly the cmdlets the assembly defines, listed by name' {
        $assembly = [System.Reflection.Assembly]::LoadFrom((Join-Path (Split-Path $modulePath) 'PbiPreflight.dll'))
        $defined = $assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        @($defined).Count | Should -BeGreaterThan 0
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined | Sort-Object)
        @($data.CmdletsToExport | Sort-Object) | Should -Be @($defined | Sort-Object)
        $data.CmdletsToExport | Should -Not -Contain '*' -Because 'explicit exports keep command discovery fast'
        @($data.FunctionsToExport).Count + @($data.VariablesToExport).Count + @($data.AliasesToExport).Count |
            Should -Be 0
    }

    It 'declares both editions, the lowest PowerShell, and the format, types and help files it ships' {
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version] '5.1')
        $data.FormatsToProcess | Should -Be @('PbiPreflight.Format.ps1xml')
        $data.TypesToProcess | Should -Be @('PbiPreflight.Types.ps1xml')
        foreach ($file in @($data.FormatsToProcess) + @($data.TypesToProcess) + 'en-US/PbiPreflight.dll-Help.xml') {
            Join-Path (Split-Path $modulePath) $file | Should -Exist
        }
    }

    It 'carries the gallery metadata: description, tags and release notes, and no invented links' {
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Tags | Should -Contain 'PowerBI'
        $manifest.Tags | Should -Contain 'PSEdition_Core'
        $manifest.Tags | Should -Contain 'PSEdition_Desktop'
        $manifest.ReleaseNotes | Should -BeLike "*$($manifest.Version)*"
        $manifest.ProjectUri | Should -BeNullOrEmpty -Because 'there is no public repository to point at'
        $manifest.LicenseUri | Should -BeNullOrEmpty
    }

    It 'does not ship System.Management.Automation' {
        Join-Path (Split-Path $modulePath) 'System.Management.Automation.dll' | Should -Not -Exist
    }
}

Describe 'The engine compiled ahead of time' {
    BeforeAll {
        # The READYTORUN_HEADER the managed native header points at: 'RTR', then the format's major version. A
        # runtime uses only native code of its own major version, and refuses an assembly compiled for another
        # platform outright.
        function Get-ReadyToRunMajorVersion([string] $Path) {
            $stream = [System.IO.File]::OpenRead($Path)
            try {
                $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
                $directory = $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory
                if ($directory.Size -eq 0) {
                    return $null
                }

                $header = $pe.GetSectionData($directory.RelativeVirtualAddress).GetContent(0, 6)
                if ([BitConverter]::ToUInt32([byte[]] $header, 0) -ne 0x00525452) {
                    return $null
                }

                return [BitConverter]::ToUInt16([byte[]] $header, 4)
            }
            finally {
                $stream.Dispose()
            }
        }

        # Imports a module folder in a fresh PowerShell and makes a cmdlet load the engine (a certificate file
        # that does not exist is refused by the engine before any network call); returns where it came from.
        function Get-LoadedEngineFolder([string] $ManifestPath) {
            $script = @"
Import-Module '$ManifestPath'
try {
    `$null = Test-PbiCredentialScope -TenantId contoso.onmicrosoft.com ``
        -ClientId 00000000-0000-0000-0000-000000000001 -CertificatePath '$(Join-Path $TestDrive 'absent.pfx')'
}
catch {
    # Refused as expected: the engine is loaded by now.
}
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'PbiPreflight.Core' } |
    ForEach-Object { Split-Path `$_.Location }
"@
            & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        }

        $moduleFolder = Split-Path $modulePath
        $portableFolder = Join-Path $moduleFolder 'engine/core'
        $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
        $architecture = "$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant()
        $nativeFolder = Join-Path $moduleFolder "engine/core-$os-$architecture-net$([Environment]::Version.Major)"
        $runtimeMajor = Get-ReadyToRunMajorVersion ([object].Assembly.Location)
    }

    It 'keeps a portable engine: IL only, for .NET 8, so every PowerShell 7 on every platform can load it' {
        foreach ($assembly in Get-ChildItem $portableFolder -Filter '*.dll') {
            Get-ReadyToRunMajorVersion $assembly.FullName |
                Should -BeNullOrEmpty -Because "$($assembly.Name) compiled for one platform would not load on another"
        }

        $stream = [System.IO.File]::OpenRead((Join-Path $portableFolder 'PbiPreflight.Core.dll'))
        try {
            $metadata = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader(
                [System.Reflection.PortableExecutable.PEReader]::new($stream))
            $references = foreach ($handle in $metadata.AssemblyReferences) {
                $reference = $metadata.GetAssemblyReference($handle)
                [pscustomobject]@{ Name = $metadata.GetString($reference.Name); Version = $reference.Version }
            }
        }
        finally {
            $stream.Dispose()
        }

        ($references | Where-Object Name -eq 'System.Runtime').Version.Major | Should -Be 8
    }

    It 'adds a copy with native code of this runtime''s format, which this PowerShell loads' {
        if (-not (Test-Path $nativeFolder)) {
            Set-ItResult -Skipped -Because ('the build could not download crossgen2 for this runtime and said so; ' +
                'the portable engine is used')
            return
        }

        $runtimeMajor | Should -Not -BeNullOrEmpty
        foreach ($assembly in Get-ChildItem $nativeFolder -Filter '*.dll') {
            Get-ReadyToRunMajorVersion $assembly.FullName |
                Should -Be $runtimeMajor -Because "$($assembly.Name) must carry native code of this runtime's format"
        }

        Get-LoadedEngineFolder $modulePath | Should -Be (Get-Item $nativeFolder).FullName
    }

    It 'falls back to the portable engine where <Case>' -ForEach @(
        @{ Case = 'no native copy matches'; Remove = 'core-*' }
        @{ Case = 'the native copy lacks the engine assembly'; Remove = 'core-*/PbiPreflight.Core.dll' }
    ) {
        if (-not (Test-Path $nativeFolder)) {
            Set-ItResult -Skipped -Because 'the build laid out no native copy to take away'
            return
        }

        $copy = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Copy-Item -Recurse $moduleFolder $copy
        Get-Item (Join-Path $copy "engine/$Remove") | Remove-Item -Recurse -Force

        Get-LoadedEngineFolder (Join-Path $copy 'PbiPreflight.psd1') |
            Should -Be (Get-Item (Join-Path $copy 'engine/core')).FullName
    }
}

Describe 'The import' {
    It 'loads the engine into its own context, where a healthy sign-in can be rehearsed' {
        # The rehearsal swallows its failures, so that a broken one would only make the first check slow; here it
        # is run again, by reflection, inside the engine the import loaded, and its results are read.
        $script = @"
Import-Module '$modulePath'
`$deadline = [DateTime]::UtcNow.AddSeconds(30)
do {
    Start-Sleep -Milliseconds 50
    `$engines = @([AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { `$_.GetName().Name -eq 'PbiPreflight.Core' })
} until (`$engines.Count -gt 0 -or [DateTime]::UtcNow -gt `$deadline)
`$rehearsal = `$engines[0].GetType('PbiPreflight.SignInRehearsal', `$true)
`$run = `$rehearsal.GetMethod('RunAsync', [System.Reflection.BindingFlags]'Public, Static')
`$results = `$run.Invoke(`$null, @(`$null)).GetAwaiter().GetResult()
[pscustomobject]@{
    Engines = `$engines.Count
    Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$engines[0]).GetType().Name
    Results = @(`$results | ForEach-Object { "`$(`$_.Check) `$(`$_.Status)" })
} | ConvertTo-Json -Compress
"@
        $answer = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script | ConvertFrom-Json

        $answer.Engines | Should -Be 1
        $answer.Context | Should -Be 'IsolatedEngine'
        $answer.Results | Should -Be @('CredentialScope Passed', 'CredentialScope.Expiry Passed')
    }
}

Describe 'The package' {
    BeforeAll {
        # The Package task on the module already built, as a release would run it after the tests.
        $root = Join-Path $PSScriptRoot '../..'
        $before = @(Get-PSResourceRepository | ForEach-Object Name)
        $build = Join-Path $root 'build.ps1'
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $console = & dotnet $pwsh -NoProfile -NonInteractive -File $build -Task Package -NoBuild 2>&1 | Out-String
        $exitCode = $LASTEXITCODE
        $after = @(Get-PSResourceRepository | ForEach-Object Name)
        $version = (Import-PowerShellDataFile -Path $modulePath).ModuleVersion
        $nupkg = Join-Path $root "out/package/PbiPreflight.$version.nupkg"
    }

    It 'lays out PbiPreflight/<version>/ with the whole module folder' {
        $exitCode | Should -Be 0 -Because $console
        $layout = Join-Path $root "out/package/PbiPreflight/$version"
        $shipped = Get-ChildItem (Split-Path $modulePath) -Recurse -File |
            ForEach-Object { [System.IO.Path]::GetRelativePath((Split-Path $modulePath), $_.FullName) }
        $laidOut = Get-ChildItem $layout -Recurse -File |
            ForEach-Object { [System.IO.Path]::GetRelativePath($layout, $_.FullName) }
        @($laidOut | Sort-Object) | Should -Be @($shipped | Sort-Object)
    }

    It 'publishes a .nupkg that holds the manifest, the assembly, the format, types and help files' {
        $nupkg | Should -Exist
        $archive = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entries = @($archive.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) })
            $nuspec = $archive.Entries | Where-Object FullName -like '*.nuspec'
            $reader = [System.IO.StreamReader]::new($nuspec.Open())
            [xml] $metadata = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally {
            $archive.Dispose()
        }

        $required = @('PbiPreflight.psd1', 'PbiPreflight.dll', 'PbiPreflight.Format.ps1xml',
            'PbiPreflight.Types.ps1xml', 'en-US/PbiPreflight.dll-Help.xml', 'en-US/about_PbiPreflight.help.txt')
        foreach ($file in $required) {
            $entries | Should -Contain $file
        }

        $metadata.package.metadata.id | Should -Be 'PbiPreflight'
        $metadata.package.metadata.version | Should -Be $version
        $metadata.package.metadata.tags | Should -BeLike '*PowerBI*'
    }

    It 'leaves the registered repositories as they were' {
        @($after | Sort-Object) | Should -Be @($before | Sort-Object)
    }
}

Describe 'Against a healthy tenant' {
    BeforeAll {
        $emulator = Start-PbiEmulator -Scenario healthy
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'accepts the secret as a PSCredential whose user name is the client id' {
        $run = Invoke-PbiChild -Emulator $emulator -UseCredential -Script 'Test-PbiCredentialScope @Connection'

        @($run.Objects)[0].Status.ToString() | Should -Be 'Passed'
        @($run.Objects)[0].Details.AppId | Should -Be $emulator.clientId
    }

    It 'writes results that filter, convert to JSON and export to CSV, with -Verbose and -Debug on' {
        $script = @'
$DebugPreference = 'Continue'
$all = Invoke-PbiPreflight @Connection -Verbose -Debug
$csv = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.csv')
$all | Export-Csv -Path $csv -NoTypeInformation
[pscustomobject]@{
    Passed = @($all | Where-Object Status -eq Passed).Count
    Json   = $all | ConvertTo-Json -Depth 5
    Csv    = Get-Content -Raw $csv
    Table  = $all | Format-Table | Out-String -Width 300
    Lines  = ($all | ForEach-Object ToString) -join "`n"
}
Remove-Item $csv
'@
        $run = Invoke-PbiChild -Emulator $emulator -Script $script
        $output = @($run.Objects)[0]

        $output.Passed | Should -Be 13
        ($output.Json | ConvertFrom-Json).Count | Should -Be 13
        (($output.Json | ConvertFrom-Json) | Where-Object Check -eq WorkspacePermission).Details.SampledWorkspaceIds |
            Should -Not -BeNullOrEmpty
        ($output.Csv | ConvertFrom-Csv).Count | Should -Be 13
        (($output.Csv | ConvertFrom-Csv) | Where-Object Check -eq WorkspacePermission).Details |
            Should -BeLike '*PublicWorkspaceCount=*'
        $output.Table | Should -Match 'Check\s+Status\s+Reason'
        $output.Lines | Should -BeLike '*Credentials Scopes: Check successful*'
        $run.Text | Should -BeLike '*Requesting a token for*' -Because 'the verbose stream was on'
        $run.Text | Should -BeLike '*answered 200 in*' -Because 'the debug stream was on'
        foreach ($text in $run.Text, $run.Console, $output.Json, $output.Csv, $output.Table) {
            $text | Should -Not -BeLike "*$($emulator.clientSecret)*"
        }
    }

    It 'takes tenants and clouds from the pipeline by property name and reports bad rows without stopping' {
        $script = @'
$rows = @(
    [pscustomobject]@{ TenantId = 'not a tenant'; ClientId = $env:PBI_TEST_CLIENT; Environment = 'Custom' }
    [pscustomobject]@{ TenantId = $env:PBI_TEST_TENANT; ClientId = $env:PBI_TEST_CLIENT; Environment = 'Mars' }
    [pscustomobject]@{ TenantId = $env:PBI_TEST_TENANT; ClientId = $env:PBI_TEST_CLIENT; Environment = 'custom' }
)
$rows | Test-PbiCredentialScope -ClientSecret $secret -AuthorityHost $env:PBI_TEST_URL -ApiBaseUri $env:PBI_TEST_URL
'@
        $run = Invoke-PbiChild -Emulator $emulator -Script $script

        @($run.Objects | Where-Object Check -eq CredentialScope).Count | Should -Be 1
        @($run.Objects)[0].Status.ToString() | Should -Be 'Passed'
        @($run.Errors).Count | Should -Be 2
        $command = 'PbiPreflight.Commands.TestPbiCredentialScopeCommand'
        $run.Errors[0].FullyQualifiedErrorId | Should -Be "InvalidTenantId,$command"
        $run.Errors[1].FullyQualifiedErrorId | Should -Be "InvalidEnvironment,$command"
        $run.Errors[1].Message | Should -BeLike "*'Mars'*"
    }

    It 'rejects <Name> with error id <ErrorId> before any network call' -ForEach @(
        @{ Name = 'a tenant that is neither GUID nor domain'; ErrorId = 'InvalidTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId "bad tenant!"' }
        @{ Name = 'a client id that is not a GUID'; ErrorId = 'InvalidClientId'
            Script = '$Connection.ClientId = "my-app"; Test-PbiCredentialScope @Connection' }
        @{ Name = 'an empty secret'; ErrorId = 'EmptyClientSecret'
            Script = '$Connection.ClientSecret = [securestring]::new(); Test-PbiCredentialScope @Connection' }
        @{ Name = 'Custom without its URIs'; ErrorId = 'CustomEnvironmentRequiresUris'
            Script = '$Connection.Remove("ApiBaseUri"); Invoke-PbiPreflight @Connection' }
        @{ Name = 'an http authority'; ErrorId = 'InsecureCustomUri'
            Script = '$Connection.AuthorityHost = "http://127.0.0.1:1"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'custom URIs with a named cloud'; ErrorId = 'CustomUrisRequireCustomEnvironment'
            Script = '$Connection.Environment = "Public"; Invoke-PbiPreflight @Connection' }
    ) {
        $before = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
        $run = Invoke-PbiChild -Emulator $emulator -Script $Script

        $run.Objects | Should -BeNullOrEmpty
        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,PbiPreflight.Commands.*"
        $run.Errors[0].Category | Should -Be 'InvalidArgument'
        @(Get-PbiEmulatorRequest -Emulator $emulator).Count | Should -Be $before
    }

    It 'spends one token per resource and one call per listing on the tenant' {
        $before = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
        Invoke-PbiChild -Emulator $emulator -Script 'Invoke-PbiPreflight @Connection' | Out-Null

        $requests = @(Get-PbiEmulatorRequest -Emulator $emulator) | Select-Object -Skip $before
        @($requests | Where-Object path -like '*/oauth2/v2.0/token*').Count | Should -Be 2 -Because 'Power BI and Graph'
        @($requests | Where-Object path -like '/v1/admin/tenantsettings*').Count | Should -Be 1
        @($requests | Where-Object path -like '/v1.0/servicePrincipals*').Count | Should -Be 2
        @($requests | Where-Object path -like '/v1.0/applications*').Count | Should -Be 1
        @($requests | Where-Object path -like '/v1.0/myorg/groups*').Count | Should -Be 1
        @($requests | Where-Object path -like '/v1.0/myorg/admin/groups*').Count | Should -Be 1
        @($requests | Where-Object path -like '*getInfo*').Count | Should -Be 1
        @($requests | Where-Object path -like '*scanResult*').Count | Should -Be 1
        @($requests | Where-Object path -like '*refreshables*').Count | Should -Be 1
    }
}

Describe 'A tenant of 100,000 workspaces' {
    It 'costs the workspace check the token and one call per listing, and the counts are the tenant''s' {
        $emulator = Start-PbiEmulator -Scenario large-tenant
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Test-PbiWorkspacePermission @Connection'
            $requests = @(Get-PbiEmulatorRequest -Emulator $emulator)
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        $requests.Count | Should -BeLessOrEqual 3
        $summary = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $summary.Status.ToString() | Should -Be 'Passed'
        $summary.Details.AdminWorkspaceCount | Should -BeGreaterThan 100000
    }
}

Describe 'Workspace filters' {
    BeforeAll {
        $emulator = Start-PbiEmulator -Scenario healthy
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'turns a simple name pattern into an OData filter and excludes personal workspaces' {
        $before = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
        $run = Invoke-PbiChild -Emulator $emulator -Script `
            'Test-PbiWorkspacePermission @Connection -WorkspaceName "Fin*" -ExcludePersonalWorkspaces'

        $admin = @(Get-PbiEmulatorRequest -Emulator $emulator) | Select-Object -Skip $before |
            Where-Object path -like '/v1.0/myorg/admin/groups*'
        $filters = [uri]::UnescapeDataString($admin.path)
        $filters | Should -BeLike "*type eq 'Workspace'*startswith(name,'Fin')*" -Because 'filters are sent, not paged'
        $summary = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $summary.Details.AdminWorkspaceCount | Should -BeLessThan 6
    }
}

Describe 'Membership only through a nested group' {
    It 'is a warning that names the setting, when the settings are readable' {
        # The developer setting names group A; the service principal is in B, which is nested in A. The
        # read-only admin API setting names B directly, so the settings can be read.
        $groupA = '96000000-0000-4000-8000-000000000004'
        $groupB = '96000000-0000-4000-8000-000000000005'
        $scenarioName = 'pbi-nested-' + [guid]::NewGuid().ToString('N') + '.json'
        $scenario = Join-Path ([System.IO.Path]::GetTempPath()) $scenarioName
        @{
            base           = 'nested-group-only'
            tenantSettings = @{
                servicePrincipalsCanUseApis                 = @{ enabled = $true; groups = @($groupA) }
                servicePrincipalsCanAccessReadOnlyAdminApis = @{ enabled = $true; groups = @($groupB) }
                enhanceAdminApisDetailedMetadata            = @{ enabled = $true; groups = @() }
                enhanceAdminApisExpressions                 = @{ enabled = $true; groups = @() }
            }
        } | ConvertTo-Json -Depth 5 | Set-Content -Path $scenario
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Invoke-PbiPreflight @Connection'
        }
        finally {
            $emulator | Stop-PbiEmulator
            Remove-Item $scenario
        }

        $membership = @($run.Objects) | Where-Object Check -eq 'TenantSettings.GroupMembership'
        $membership.Status.ToString() | Should -Be 'Warning'
        $membership.Reason | Should -Be 'NestedGroupMembershipOnly'
        $membership.Message | Should -BeLike '*Service principals can*'
        $publicApi = @($run.Objects) | Where-Object Check -eq 'WorkspacePermission.PublicApi'
        $publicApi.Reason | Should -Be 'PublicApiNotAuthorized'
    }
}

Describe 'The one-line form of a failure' {
    It 'matches the reference preflight for a refused secret' {
        $emulator = Start-PbiEmulator -Scenario invalid-secret
        try {
            $script = '(Test-PbiCredentialScope @Connection | Where-Object Check -eq CredentialScope).ToString()'
            $run = Invoke-PbiChild -Emulator $emulator -Script $script
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        $reference = 'Credentials Scopes: Failed with response{"error":"invalid_client",*}#STATUS:401'
        @($run.Objects)[0] | Should -BeLike $reference
    }
}

Describe 'Runbook switches' {
    It '-Quiet writes one Boolean per tenant: <Expected> for <Scenario>' -ForEach @(
        @{ Scenario = 'healthy'; Expected = $true }
        @{ Scenario = 'invalid-secret'; Expected = $false }
    ) {
        $emulator = Start-PbiEmulator -Scenario $Scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Test-PbiCredentialScope @Connection -Quiet'
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        @($run.Objects).Count | Should -Be 1
        @($run.Objects)[0] | Should -BeOfType [bool]
        @($run.Objects)[0] | Should -Be $Expected
    }

    It '-FailOnError writes an error per failed check, the reason as its id; -ErrorAction Stop fails the process' {
        $emulator = Start-PbiEmulator -Scenario admin-api-disabled
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Invoke-PbiPreflight @Connection -FailOnError'
            $stopped = Invoke-PbiChild -Emulator $emulator -Script @'
try {
    Invoke-PbiPreflight @Connection -FailOnError -ErrorAction Stop | Out-Null
    'not stopped'
}
catch {
    $_.FullyQualifiedErrorId
}
'@
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        $failed = @($run.Objects | Where-Object { $_.Status.ToString() -eq 'Failed' })
        $failed.Count | Should -BeGreaterThan 0
        @($run.Errors).Count | Should -Be $failed.Count
        $command = 'PbiPreflight.Commands.InvokePbiPreflightCommand'
        $run.Errors[0].FullyQualifiedErrorId | Should -Be "AdminApiNotAuthorized,$command"
        $run.Errors[0].Category | Should -Be 'PermissionDenied'
        @($stopped.Objects)[0] | Should -BeLike 'AdminApiNotAuthorized,*'
    }
}

Describe 'How results read' {
    BeforeAll {
        # admin-api-disabled gives every status: Passed, Warning, Failed and Skipped. The same tenant named by its
        # id and by its domain is two tenants to the views, as TenantId is kept as the caller named it.
        $emulator = Start-PbiEmulator -Scenario admin-api-disabled
        $script = @'
$connection = $Connection.Clone()
$connection.Remove('TenantId')
$two = @(
    [pscustomobject]@{ TenantId = $env:PBI_TEST_TENANT }
    [pscustomobject]@{ TenantId = 'contoso.onmicrosoft.com' }
) | Invoke-PbiPreflight @connection
$one = @($two | Where-Object TenantId -eq $env:PBI_TEST_TENANT)

$PSStyle.OutputRendering = 'PlainText'
$plainTable = $one | Format-Table | Out-String -Width 160
$groupedTable = $two | Format-Table | Out-String -Width 160
$plainList = $one | Format-List | Out-String -Width 160
$PSStyle.OutputRendering = 'Ansi'
$ansiTable = $one | Format-Table | Out-String -Width 160
$ansiList = $one | Format-List | Out-String -Width 160

$csv = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.csv')
$one | Export-Csv -Path $csv -NoTypeInformation
$clixml = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.xml')
$one | Export-Clixml -Path $clixml

# A host without the module's views but with its types, as a custom grid or formatter sees the objects.
$PSStyle.OutputRendering = 'PlainText'
$runspace = [powershell]::Create()
$null = $runspace.AddScript({
    param($results, $typesPath)
    Update-TypeData -PrependPath $typesPath
    $results | Out-String -Width 160
}).AddArgument($one[0]).AddArgument((Join-Path (Get-Module PbiPreflight).ModuleBase 'PbiPreflight.Types.ps1xml'))
$withoutViews = $runspace.Invoke() -join ''
$runspace.Dispose()

[pscustomobject]@{
    PlainTable   = $plainTable
    GroupedTable = $groupedTable
    PlainList    = $plainList
    AnsiTable    = $ansiTable
    AnsiList     = $ansiList
    Error        = $PSStyle.Formatting.Error
    Warning      = $PSStyle.Formatting.Warning
    Green        = $PSStyle.Foreground.Green
    Reset        = $PSStyle.Reset
    Properties   = @($one[0].psobject.Properties.Name)
    Csv          = Get-Content -Raw $csv
    Json         = $one | ConvertTo-Json -Depth 4 -EnumsAsStrings
    Wide         = $one | Format-Wide | Out-String -Width 160
    Deserialized = Import-Clixml $clixml | Format-Table | Out-String -Width 160
    DeserializedList = Import-Clixml $clixml | Select-Object -First 1 | Format-List | Out-String -Width 300
    WithoutViews = $withoutViews
}
Remove-Item $csv, $clixml
'@
        $run = Invoke-PbiChild -Emulator $emulator -Script $script
        $views = @($run.Objects)[0]
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'shows a table of Check, Status, Reason and Message, wrapping the message' {
        $header = ($views.PlainTable -split "`n") | Where-Object { $_ -match '^Check\s' } | Select-Object -First 1
        ($header.Trim() -split '\s+') | Should -Be @('Check', 'Status', 'Reason', 'Message')
        $row = 'WorkspacePermission\.AdminApi\s+Failed\s+AdminApiNotAuthorized\s+Power BI refused'
        $views.PlainTable | Should -Match $row
        $views.PlainTable | Should -Match 'TenantSettings\.GroupMembership\s+Skipped\s+TenantSettingsUnreadable'
    }

    It 'groups the table by tenant: one header for one tenant, one per tenant for several' {
        @([regex]::Matches($views.PlainTable, '(?m)^\s+Tenant: ')).Count | Should -Be 1
        $views.GroupedTable | Should -Match '(?m)^\s+Tenant: 7e000000-0000-4000-8000-000000000001\s*$'
        $views.GroupedTable | Should -Match '(?m)^\s+Tenant: contoso\.onmicrosoft\.com\s*$'
        @([regex]::Matches($views.GroupedTable, '(?m)^Check\s+Status')).Count | Should -Be 2
    }

    It 'shows every property of the result in the list, in the list view''s order' {
        $labels = ($views.PlainList -split "`n") | Where-Object { $_ -match '^(\w+)\s+: ' } | ForEach-Object {
            ($_ -split '\s+:')[0] } | Select-Object -Unique
        @($labels | Sort-Object) | Should -Be @($views.Properties | Sort-Object)
        $labels[0..2] | Should -Be @('TenantId', 'Check', 'Status')
        $views.PlainList | Should -Match '(?m)^Details\s+: \S+=' -Because 'details read as name=value pairs'
    }

    It 'colours Status through $PSStyle when output rendering is Ansi' {
        $views.AnsiTable | Should -Match ([regex]::Escape("$($views.Error)Failed$($views.Reset)"))
        $views.AnsiTable | Should -Match ([regex]::Escape("$($views.Warning)Warning$($views.Reset)"))
        $views.AnsiTable | Should -Match ([regex]::Escape("$($views.Green)Passed$($views.Reset)"))
        $views.AnsiList | Should -Match ([regex]::Escape("$($views.Green)Passed$($views.Reset)"))
    }

    It 'writes no escape sequence at all when output rendering is PlainText' {
        foreach ($text in $views.PlainTable, $views.GroupedTable, $views.PlainList) {
            $text | Should -Not -Match "`e\["
        }
    }

    It 'exports to CSV with every property, statuses as names and details as name=value pairs' {
        $rows = $views.Csv | ConvertFrom-Csv
        @($rows[0].psobject.Properties.Name | Sort-Object) | Should -Be @($views.Properties | Sort-Object)
        ($rows | Where-Object Check -eq 'WorkspacePermission.AdminApi').Status | Should -Be 'Failed'
        ($rows | Where-Object Check -eq 'WorkspacePermission').Details | Should -BeLike '*PublicWorkspaceCount=*'
    }

    It 'converts to JSON with statuses as names and details as a nested object' {
        $results = $views.Json | ConvertFrom-Json
        ($results | Where-Object Check -eq 'WorkspacePermission.AdminApi').Status | Should -Be 'Failed'
        ($results | Where-Object Check -eq 'WorkspacePermission').Details.PublicWorkspaceCount | Should -BeGreaterThan 0
    }

    It 'reads the same after a round trip through Export-Clixml, as results of jobs and remoting do' {
        $views.Deserialized | Should -Match 'WorkspacePermission\.AdminApi\s+Failed\s+AdminApiNotAuthorized'
        $views.Deserialized | Should -Match '(?m)^\s+Tenant: '
        $views.DeserializedList | Should -Match '(?m)^Details\s+: \S+='
    }

    It 'shows the default display set where no view applies, and the check id in Format-Wide' {
        $labels = ($views.WithoutViews -split "`n") | Where-Object { $_ -match '^(\w+)\s+: ' } |
            ForEach-Object { ($_ -split '\s+:')[0] }
        $labels | Should -Be @('TenantId', 'Check', 'Status', 'Reason', 'Message', 'Remediation')
        $views.Wide | Should -Match 'WorkspacePermission\.AdminApi'
        $views.Wide | Should -Not -Match 'Passed|Failed'
    }
}
