# Every shipped scenario, end to end: the emulator plays the tenant, a fresh PowerShell runs the built module.

BeforeDiscovery {
    # Status, reason, error code and HTTP status of each check, in the order Invoke-PbiPreflight writes them.
    $script:Expectations = @(
        @{ Scenario = 'healthy'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('WorkspacePermission', 'Passed', 'WorkspacesVisible', $null, 200),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'invalid-secret'; Checks = @(
                @('CredentialScope', 'Failed', 'InvalidClientSecret', 'AADSTS7000215', 401),
                @('WorkspacePermission', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('MetadataScan', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('Refreshables', 'Skipped', 'CredentialScopeFailed', $null, $null)) }
        @{ Scenario = 'expired-secret'; Checks = @(
                @('CredentialScope', 'Failed', 'ClientSecretExpired', 'AADSTS7000222', 401),
                @('WorkspacePermission', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('MetadataScan', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('Refreshables', 'Skipped', 'CredentialScopeFailed', $null, $null)) }
        @{ Scenario = 'unknown-app'; Checks = @(
                @('CredentialScope', 'Failed', 'AppNotFoundInTenant', 'AADSTS700016', 400),
                @('WorkspacePermission', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('MetadataScan', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('Refreshables', 'Skipped', 'CredentialScopeFailed', $null, $null)) }
        @{ Scenario = 'unknown-tenant'; Checks = @(
                @('CredentialScope', 'Failed', 'TenantNotFound', 'AADSTS90002', 400),
                @('WorkspacePermission', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('MetadataScan', 'Skipped', 'CredentialScopeFailed', $null, $null),
                @('Refreshables', 'Skipped', 'CredentialScopeFailed', $null, $null)) }
        @{ Scenario = 'no-workspaces'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('WorkspacePermission', 'Failed', 'NoWorkspacesVisible', $null, $null),
                @('MetadataScan', 'Skipped', 'NoWorkspaceToScan', $null, $null),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'admin-api-disabled'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('WorkspacePermission', 'Warning', 'AdminApiNotAuthorized', 'PowerBINotAuthorizedException', 401),
                @('MetadataScan', 'Failed', 'AdminApiNotAuthorized', 'PowerBINotAuthorizedException', 401),
                @('Refreshables', 'Failed', 'AdminApiNotAuthorized', 'PowerBINotAuthorizedException', 401)) }
        @{ Scenario = 'admin-consent-permissions'; Checks = @(
                @('CredentialScope', 'Warning', 'AdminConsentPermissionsPresent', $null, $null),
                @('WorkspacePermission', 'Warning', 'AdminConsentPermissionsBlockAdminApi', 'PowerBINotAuthorizedException', 401),
                @('MetadataScan', 'Failed', 'AdminConsentPermissionsBlockAdminApi', 'PowerBINotAuthorizedException', 401),
                @('Refreshables', 'Failed', 'AdminConsentPermissionsBlockAdminApi', 'PowerBINotAuthorizedException', 401)) }
        @{ Scenario = 'scan-fails'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('WorkspacePermission', 'Passed', 'WorkspacesVisible', $null, 200),
                @('MetadataScan', 'Failed', 'ScanFailed', '*', 200),
                @('Refreshables', 'Passed', 'RefreshablesReadable', $null, 200)) }
        @{ Scenario = 'refreshables-denied'; Checks = @(
                @('CredentialScope', 'Passed', 'TokenAcquired', $null, $null),
                @('WorkspacePermission', 'Passed', 'WorkspacesVisible', $null, 200),
                @('MetadataScan', 'Passed', 'ScanSucceeded', $null, 200),
                @('Refreshables', 'Failed', 'AdminApiNotAuthorized', 'PowerBINotAuthorizedException', 401)) }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
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

    It 'writes the four checks in order without errors' {
        $run.Errors | Should -BeNullOrEmpty
        $results.Check | Should -Be @('CredentialScope', 'WorkspacePermission', 'MetadataScan', 'Refreshables')
        $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'Deserialized.PbiPreflight.CheckResult' }
    }

    It '<_[0]> is <_[1]> with reason <_[2]>' -ForEach $Checks {
        $check, $status, $reason, $errorCode, $httpStatus = $_
        $result = $results | Where-Object Check -eq $check
        $result.Status.ToString() | Should -Be $status
        $result.Reason | Should -Be $reason
        if ($errorCode -eq '*') {
            $result.ErrorCode | Should -Not -BeNullOrEmpty
        }
        else {
            $result.ErrorCode | Should -Be $errorCode
        }

        $result.HttpStatus | Should -Be $httpStatus
        if ($errorCode -like 'AADSTS*') {
            # Support asks for these first; Entra ID returns them on every refusal.
            $result.TraceId | Should -Match '^[0-9a-f-]{36}$'
            $result.CorrelationId | Should -Match '^[0-9a-f-]{36}$'
            $result.RequestId | Should -Be $result.TraceId
        }

        $result.Message | Should -Not -BeNullOrEmpty
        $result.TenantId | Should -Be $emulator.tenantId
        if ($status -in 'Failed', 'Warning') {
            $result.Remediation | Should -Not -BeNullOrEmpty
        }
    }

    It 'never shows the secret' {
        $run.Text | Should -Not -BeLike "*$($emulator.clientSecret)*"
        $run.Console | Should -Not -BeLike "*$($emulator.clientSecret)*"
    }
}
