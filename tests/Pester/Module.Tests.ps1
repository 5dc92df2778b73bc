# The module as PowerShell users meet it: its manifest, its parameter errors, and results that pipe, format and
# export, with the secret in none of them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $modulePath = Join-Path $PSScriptRoot '../../out/PbiPreflight/PbiPreflight.psd1'
}

Describe 'The manifest' {
    It 'passes Test-ModuleManifest and exports exactly the cmdlets the assembly defines' {
        $manifest = Test-ModuleManifest -Path $modulePath
        $manifest.Version | Should -Not -Be ([version] '0.0.0')

        $assembly = [System.Reflection.Assembly]::LoadFrom((Join-Path (Split-Path $modulePath) 'PbiPreflight.dll'))
        $defined = $assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined | Sort-Object)
        @($defined).Count | Should -Be 5
    }

    It 'does not ship System.Management.Automation' {
        Join-Path (Split-Path $modulePath) 'System.Management.Automation.dll' | Should -Not -Exist
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
        $run.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidTenantId,PbiPreflight.Commands.TestPbiCredentialScopeCommand'
        $run.Errors[1].FullyQualifiedErrorId | Should -Be 'InvalidEnvironment,PbiPreflight.Commands.TestPbiCredentialScopeCommand'
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
        [uri]::UnescapeDataString($admin.path) | Should -BeLike "*type eq 'Workspace'*startswith(name,'Fin')*" -Because 'filters are sent, not paged'
        $summary = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $summary.Details.AdminWorkspaceCount | Should -BeLessThan 6
    }
}

Describe 'Membership only through a nested group' {
    It 'is a warning that names the setting, when the settings are readable' {
        # The developer setting names group A; the service principal is in B, which is nested in A. The
        # read-only admin API setting names B directly, so the settings can be read.
        $scenario = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-nested-" + [guid]::NewGuid().ToString('N') + '.json')
        @{
            base           = 'nested-group-only'
            tenantSettings = @{
                servicePrincipalsCanUseApis                 = @{ enabled = $true; groups = @('96000000-0000-4000-8000-000000000004') }
                servicePrincipalsCanAccessReadOnlyAdminApis = @{ enabled = $true; groups = @('96000000-0000-4000-8000-000000000005') }
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
        (@($run.Objects) | Where-Object Check -eq 'WorkspacePermission.PublicApi').Reason | Should -Be 'PublicApiNotAuthorized'
    }
}

Describe 'The one-line form of a failure' {
    It 'matches the reference preflight for a refused secret' {
        $emulator = Start-PbiEmulator -Scenario invalid-secret
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script '(Test-PbiCredentialScope @Connection | Where-Object Check -eq CredentialScope).ToString()'
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        @($run.Objects)[0] | Should -BeLike 'Credentials Scopes: Failed with response{"error":"invalid_client",*}#STATUS:401'
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

    It '-FailOnError writes one error per failed check, with the reason as its id, and fails the process with -ErrorAction Stop' {
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
        $run.Errors[0].FullyQualifiedErrorId | Should -Be 'AdminApiNotAuthorized,PbiPreflight.Commands.InvokePbiPreflightCommand'
        $run.Errors[0].Category | Should -Be 'PermissionDenied'
        @($stopped.Objects)[0] | Should -BeLike 'AdminApiNotAuthorized,*'
    }
}
