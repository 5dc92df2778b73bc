# Every shipped scenario, end to end: the emulator plays the tenant, a fresh PowerShell runs the built module.

BeforeDiscovery {
    $credentialFailure = {
        param($reason, $code, $status)
        @(
            @('CredentialScope', 'Failed', $reason, $code, $status),
            @('CredentialScope.Expiry', 'Skipped', 'CredentialScopeFailed', $null, $null),
            @('WorkspacePermission', 'Skipped', 'CredentialScopeFailed', $null, $null),
            @('TenantSettings', 'Skipped', 'CredentialScopeFailed', $null, $null),
            @('MetadataScan', 'Skipped', 'CredentialScopeFailed', $null, $null),
            @('Refreshables', 'Skipped', 'CredentialScopeFailed', $null, $null))
    }
    $adminRefused = {
        param($reason)
        @(
            @('WorkspacePermission.PublicApi', 'Passed', 'PublicApiReadable', $null, 200),
            @('WorkspacePermission.AdminApi', 'Failed', $reason, 'PowerBINotAuthorizedException', 401),
            @('WorkspacePermission', 'Warning', $reason, 'PowerBINotAuthorizedException', 401),
            @('TenantSettings', 'Skipped', 'TenantSettingsUnreadable', 'Unauthorized', 401),
            @('TenantSettings.GroupMembership', 'Skipped', 'TenantSettingsUnreadable', $null, $null),
            @('MetadataScan.Scan', 'Failed', $reason, 'PowerBINotAuthorizedException', 401),
            @('MetadataScan.DetailedMetadata', 'Skipped', 'ScanDidNotComplete', $null, $null),
            @('MetadataScan', 'Failed', $reason, 'PowerBINotAuthorizedException', 401),
            @('Refreshables', 'Failed', $reason, 'PowerBINotAuthorizedException', 401))
    }

    # Status, reason, error code and HTTP status of the checks that tell each scenario apart.
    $script:Expectations = @(
        @{ Scenario = 'healthy'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('CredentialScope.Expiry', 'Passed', 'SecretValid', $null, 200),
                @('WorkspacePermission.PublicApi', 'Passed', 'PublicApiReadable', $null, 200),
                @('WorkspacePermission.AdminApi', 'Passed', 'AdminApiReadable', $null, 200),
                @('WorkspacePermission', 'Passed', 'WorkspacesVisible', $null, 200),
                @('TenantSettings', 'Passed', 'TenantSettingsRead', $null, 200),
                @('TenantSettings.GroupMembership', 'Passed', 'GroupMembershipConfirmed', $null, $null),
                @('MetadataScan.Scan', 'Passed', 'ScanCompleted', $null, 200),
                @('MetadataScan.DetailedMetadata', 'Passed', 'DetailedMetadataPresent', $null, $null),
                @('MetadataScan.Expressions', 'Passed', 'ExpressionsPresent', $null, $null),
                @('MetadataScan.Lineage', 'Passed', 'LineagePresent', $null, $null),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'invalid-secret'; Checks = & $credentialFailure 'InvalidClientSecret' 'AADSTS7000215' 401 }
        @{ Scenario = 'expired-secret'; Checks = & $credentialFailure 'ClientSecretExpired' 'AADSTS7000222' 401 }
        @{ Scenario = 'unknown-app'; Checks = & $credentialFailure 'AppNotFoundInTenant' 'AADSTS700016' 400 }
        @{ Scenario = 'unknown-tenant'; Checks = & $credentialFailure 'TenantNotFound' 'AADSTS90002' 400 }
        @{ Scenario = 'no-workspaces'; Checks = @(
                @('WorkspacePermission.PublicApi', 'Warning', 'NoWorkspaceMembership', $null, 200),
                @('WorkspacePermission.AdminApi', 'Warning', 'TenantHasNoWorkspaces', $null, 200),
                @('WorkspacePermission', 'Failed', 'NoWorkspacesVisible', $null, $null),
                @('MetadataScan', 'Skipped', 'NoWorkspaceToScan', $null, $null),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'admin-api-disabled'; Checks = & $adminRefused 'AdminApiNotAuthorized' }
        @{ Scenario = 'nested-group-only'; Checks = & $adminRefused 'AdminApiNotAuthorized' }
        @{ Scenario = 'admin-consent-permissions'; Checks = @(
                , @('CredentialScope', 'Warning', 'AdminConsentPermissionsPresent', $null, $null)) +
            (& $adminRefused 'AdminConsentPermissionsBlockAdminApi') }
        @{ Scenario = 'public-api-disabled'; Checks = @(
                @('WorkspacePermission.PublicApi', 'Failed', 'PublicApiNotAuthorized', 'PowerBINotAuthorizedException', 401),
                @('WorkspacePermission.AdminApi', 'Passed', 'AdminApiReadable', $null, 200),
                @('WorkspacePermission', 'Warning', 'PublicApiNotAuthorized', 'PowerBINotAuthorizedException', 401),
                @('TenantSettings.GroupMembership', 'Failed', 'NotInSettingGroup', $null, $null),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200)) }
        @{ Scenario = 'not-workspace-member'; Checks = @(
                @('WorkspacePermission.PublicApi', 'Warning', 'NoWorkspaceMembership', $null, 200),
                @('WorkspacePermission', 'Warning', 'NotWorkspaceMember', $null, $null),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200)) }
        @{ Scenario = 'scan-fails'; Checks = @(
                @('MetadataScan.Scan', 'Failed', 'ScanFailed', 'WorkspaceScanFailed', 200),
                @('MetadataScan.DetailedMetadata', 'Skipped', 'ScanDidNotComplete', $null, $null),
                @('MetadataScan', 'Failed', 'ScanFailed', 'WorkspaceScanFailed', 200),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'refreshables-denied'; Checks = @(
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200),
                @('Refreshables', 'Failed', 'AdminApiNotAuthorized', 'PowerBINotAuthorizedException', 401)) }
        @{ Scenario = 'detailed-metadata-off'; Checks = @(
                @('TenantSettings', 'Warning', 'MetadataSettingOff', $null, 200),
                @('MetadataScan.Scan', 'Passed', 'ScanCompleted', $null, 200),
                @('MetadataScan.DetailedMetadata', 'Warning', 'DetailedMetadataMissing', $null, $null),
                @('MetadataScan.Expressions', 'Warning', 'ExpressionsMissing', $null, $null),
                @('MetadataScan', 'Warning', 'DetailedMetadataMissing', $null, 200)) }
        @{ Scenario = 'expressions-off'; Checks = @(
                @('TenantSettings', 'Warning', 'MetadataSettingOff', $null, 200),
                @('MetadataScan.DetailedMetadata', 'Passed', 'DetailedMetadataPresent', $null, $null),
                @('MetadataScan.Expressions', 'Warning', 'ExpressionsMissing', $null, $null),
                @('MetadataScan', 'Warning', 'ExpressionsMissing', $null, 200)) }
        @{ Scenario = 'never-refreshed'; Checks = @(
                @('TenantSettings', 'Passed', 'TenantSettingsRead', $null, 200),
                @('MetadataScan.DetailedMetadata', 'Warning', 'DetailedMetadataMissing', $null, $null),
                @('MetadataScan', 'Warning', 'DetailedMetadataMissing', $null, 200)) }
        @{ Scenario = 'schema-errors'; Checks = @(
                @('MetadataScan.DetailedMetadata', 'Warning', 'DetailedMetadataMissing', $null, $null),
                @('MetadataScan', 'Warning', 'DetailedMetadataMissing', $null, 200)) }
        @{ Scenario = 'secret-expiring'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('CredentialScope.Expiry', 'Warning', 'SecretExpiresSoon', $null, 200)) }
        @{ Scenario = 'graph-denied'; Checks = @(
                @('CredentialScope.Expiry', 'Skipped', 'GraphPermissionMissing', 'Authorization_RequestDenied', 403),
                @('TenantSettings', 'Passed', 'TenantSettingsRead', $null, 200),
                @('TenantSettings.GroupMembership', 'Skipped', 'GraphPermissionMissing', 'Authorization_RequestDenied', 403),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200)) }
        @{ Scenario = 'throttled-admin'; Checks = @(
                @('WorkspacePermission.AdminApi', 'Warning', 'Throttled', $null, 429),
                @('WorkspacePermission', 'Warning', 'Throttled', $null, 429)) }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $allChecks = @(
        'CredentialScope', 'CredentialScope.Expiry',
        'WorkspacePermission.PublicApi', 'WorkspacePermission.AdminApi', 'WorkspacePermission',
        'TenantSettings', 'TenantSettings.GroupMembership',
        'MetadataScan.Scan', 'MetadataScan.DetailedMetadata', 'MetadataScan.Expressions', 'MetadataScan.Lineage',
        'MetadataScan', 'Refreshables')
}

Describe 'Invoke-PbiPreflight against the <Scenario> scenario' -ForEach $Expectations {
    BeforeAll {
        $emulator = Start-PbiEmulator -Scenario $Scenario
        $run = Invoke-PbiChild -Emulator $emulator -Script 'Invoke-PbiPreflight @Connection'
        $results = @($run.Objects)
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'writes every check in order without errors' {
        $run.Errors | Should -BeNullOrEmpty
        $results.Check | Should -Be $allChecks
        $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'Deserialized.PbiPreflight.CheckResult' }
    }

    It '<_[0]> is <_[1]> with reason <_[2]>' -ForEach $Checks {
        $check, $status, $reason, $errorCode, $httpStatus = $_
        $result = $results | Where-Object Check -eq $check
        $result.Status.ToString() | Should -Be $status
        $result.Reason | Should -Be $reason
        $result.ErrorCode | Should -Be $errorCode
        $result.HttpStatus | Should -Be $httpStatus
        $result.Message | Should -Not -BeNullOrEmpty
        $result.TenantId | Should -Be $emulator.tenantId
        if ($errorCode -like 'AADSTS*') {
            # Support asks for these first; Entra ID returns them on every refusal.
            $result.TraceId | Should -Match '^[0-9a-f-]{36}$'
            $result.CorrelationId | Should -Match '^[0-9a-f-]{36}$'
            $result.RequestId | Should -Be $result.TraceId
        }

        if ($status -in 'Failed', 'Warning') {
            $result.Remediation | Should -Not -BeNullOrEmpty
        }
    }

    It 'never shows the secret' {
        $run.Text | Should -Not -BeLike "*$($emulator.clientSecret)*"
        $run.Console | Should -Not -BeLike "*$($emulator.clientSecret)*"
    }
}
