# Real failures seen in the wild (tests/cases), replayed through the emulator's overrides: the module must name
# the real cause of each, not just fail.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    # -Base names the scenario the recorded answer is laid over; -ChildOptions are switches of Invoke-PbiChild,
    # such as WithoutSecret and AllReadyFields for a sign-in other than the client secret.
    function Invoke-Case {
        param(
            [string] $Id,
            [string] $Method,
            [string] $PathPattern,
            [string] $Command,
            [object] $Status,
            [string] $Base = 'healthy',
            [hashtable] $ChildOptions = @{}
        )

        $case = Get-PbiCase -Id $Id
        $headers = @{}
        foreach ($property in $case.response.headers.PSObject.Properties) {
            $headers[$property.Name] = $property.Value
        }

        $override = [ordered]@{
            method  = $Method
            path    = $PathPattern
            status  = if ($null -ne $Status) { $Status } else { $case.response.status }
            headers = $headers
            body    = $case.response.body
        }
        $scenario = New-PbiScenarioFile -Base $Base -Overrides @($override)
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script $Command @ChildOptions
            $run | Add-Member -NotePropertyName Requests -NotePropertyValue (Get-PbiEmulatorRequest -Emulator $emulator)
            $run | Add-Member -NotePropertyName TenantId -NotePropertyValue $emulator.tenantId
            return $run
        }
        finally {
            $emulator | Stop-PbiEmulator
            Remove-Item $scenario -ErrorAction Ignore
        }
    }
}

Describe 'C02: an expired client secret' {
    It 'fails the credential check as ClientSecretExpired with the trace and correlation ids' {
        $run = Invoke-Case -Id C02 -Method POST -PathPattern 'oauth2/v2.0/token' -Command 'Test-PbiCredentialScope @Connection'

        $result = @($run.Objects) | Where-Object Check -eq CredentialScope
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'ClientSecretExpired'
        $result.ErrorCode | Should -Be 'AADSTS7000222'
        $result.HttpStatus | Should -Be 401
        $result.TraceId | Should -Be '7ace0002-0000-4000-8000-00007ace0002'
        $result.CorrelationId | Should -Be 'c0de0002-0000-4000-8000-0000c0de0002'
        $result.Remediation | Should -BeLike '*new client secret*'
    }
}

Describe 'C04: a user name and password refused because the user must pass MFA' {
    It 'fails the credential check as MfaRequired with the trace and correlation ids' {
        # The case was recorded on /common/oauth2/token (v1); MSAL looks the user's realm up first, then sends the
        # password grant to the tenant's v2.0 endpoint, so the recorded answer is laid over that.
        $signIn = @'
$password = ConvertTo-SecureString -String $Emulator.password -AsPlainText -Force
Test-PbiCredentialScope @Connection -UserCredential ([pscredential]::new($Emulator.userName, $password))
'@
        $run = Invoke-Case -Id C04 -Method POST -PathPattern '/oauth2/v2\.0/token' -Base 'user-healthy' `
            -ChildOptions @{ WithoutSecret = $true; AllReadyFields = $true } -Command $signIn

        $result = @($run.Objects) | Where-Object Check -eq CredentialScope
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'MfaRequired'
        $result.ErrorCode | Should -Be 'AADSTS50076'
        $result.HttpStatus | Should -Be 400
        $result.TraceId | Should -Be '7ace0004-0000-4000-8000-00007ace0004'
        $result.CorrelationId | Should -Be 'c0de0004-0000-4000-8000-0000c0de0004'
        $result.Details.CredentialKind | Should -Be 'UserPassword'
        $result.Message | Should -BeLike '*multi-factor authentication*'
        $result.Remediation | Should -BeLike '*Use a service principal*managed identity*'

        $tokenRequests = @($run.Requests | Where-Object path -like '*/oauth2/*')
        $tokenRequests.Count | Should -Be 1
        $tokenRequests[0].path | Should -Be "/$($run.TenantId)/oauth2/v2.0/token"
        $tokenRequests[0].status | Should -Be 400
        @($run.Requests | Where-Object path -like '/common/userrealm/*').Count | Should -Be 1
    }
}

Describe 'C07: consent refused (AADSTS65001) to an app meant for the service principal admin APIs' {
    BeforeAll {
        # The app holds the Tenant.Read.All application permission, as in the case. Entra ID asks for consent only
        # in a user's sign-in; the same answer given to the client secret must read the same, since the fix for
        # either way of signing in is in the remediation.
        $signIns = @'
Test-PbiCredentialScope @Connection
$asUser = @{} + $Connection
$asUser.Remove('ClientSecret')
$password = ConvertTo-SecureString -String $Emulator.password -AsPlainText -Force
Test-PbiCredentialScope @asUser -UserCredential ([pscredential]::new($Emulator.userName, $password))
'@
        $run = Invoke-Case -Id C07 -Method POST -PathPattern '/oauth2/v2\.0/token' `
            -Base 'app-token-with-admin-roles' -ChildOptions @{ AllReadyFields = $true } -Command $signIns
    }

    It 'fails the credential check as ConsentRequired when signing in with <Kind>' -ForEach @(
        @{ Kind = 'ClientSecret' }
        @{ Kind = 'UserPassword' }
    ) {
        $result = @($run.Objects) |
            Where-Object { $_.Check -eq 'CredentialScope' -and $_.Details.CredentialKind -eq $Kind }
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'ConsentRequired'
        $result.ErrorCode | Should -Be 'AADSTS65001'
        $result.HttpStatus | Should -Be 400
        $result.TraceId | Should -Be '7ace0007-0000-4000-8000-00007ace0007'
        $result.CorrelationId | Should -Be 'c0de0007-0000-4000-8000-0000c0de0007'
        $result.Remediation | Should -BeLike '*use client credentials and remove the Power BI API permissions*'
        $result.Remediation | Should -BeLike '*grant admin consent to the delegated Power BI permissions*'
    }

    It 'asked the tenant token endpoint, never /common' {
        # Three: the secret is tried for the Power BI and the Graph token at once, the user once.
        $tokenRequests = @($run.Requests | Where-Object path -like '*/oauth2/*')
        $tokenRequests.Count | Should -Be 3
        $tokenRequests.path | Should -Be (@("/$($run.TenantId)/oauth2/v2.0/token") * 3)
        $tokenRequests.status | Should -Be @(400, 400, 400)
    }
}

Describe 'C16: the admin API refused because the app token carries Tenant.Read.All' {
    BeforeAll {
        # The case was met on admin/dashboards; this module lists admin/groups, which Power BI refuses the same way.
        $run = Invoke-Case -Id C16 -Method GET -PathPattern '/v1\.0/myorg/admin/' -Base 'admin-consent-permissions' `
            -Command 'Test-PbiCredentialScope @Connection; Test-PbiWorkspacePermission @Connection'
    }

    It 'names the application permission as the cause of the refusal' {
        $admin = @($run.Objects) | Where-Object Check -eq 'WorkspacePermission.AdminApi'
        $admin.Status.ToString() | Should -Be 'Failed'
        $admin.Reason | Should -Be 'AdminConsentPermissionsBlockAdminApi'
        $admin.ErrorCode | Should -Be 'PowerBINotAuthorizedException'
        $admin.HttpStatus | Should -Be 401
        $admin.Message | Should -BeLike '*Tenant.Read.All*'
        $admin.Remediation | Should -BeLike '*remove the Power BI Service application permissions*'
        @($run.Requests | Where-Object { $_.path -like '/v1.0/myorg/admin/groups*' }).status | Should -Be 401
    }

    It 'keeps the refusal in the summary instead of an empty listing' {
        $summary = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $summary.Status.ToString() | Should -Be 'Warning' -Because 'the public API still lists the member workspaces'
        $summary.Reason | Should -Be 'AdminConsentPermissionsBlockAdminApi'
        $summary.HttpStatus | Should -Be 401
        $summary.Response | Should -BeLike '*PowerBINotAuthorizedException*'
        $summary.Details.AdminWorkspaceCount | Should -BeNullOrEmpty
    }

    It 'warns about the roles from the token alone, before any admin call' {
        $credential = @($run.Objects) | Where-Object Check -eq CredentialScope
        $credential.Status.ToString() | Should -Be 'Warning'
        $credential.Reason | Should -Be 'AdminConsentPermissionsPresent'
        $credential.Details.Roles | Should -Contain 'Tenant.Read.All'
    }
}

Describe 'C13: a transient 500 with an ASP.NET body on GET groups' {
    It 'retries, then reports a service error rather than a permission problem' {
        $run = Invoke-Case -Id C13 -Method GET -PathPattern '/v1\.0/myorg/(admin/)?groups' -Command 'Test-PbiWorkspacePermission @Connection'

        $result = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'ServiceError'
        $result.HttpStatus | Should -Be 500
        $result.RequestId | Should -Be '22000013-0000-4000-8000-000022000013'
        $result.Message | Should -BeLike '*not a permission problem*'
        @($run.Requests | Where-Object { $_.path -like '/v1.0/myorg/groups*' }).Count | Should -Be 3
    }
}

Describe 'C15: the admin listing refused with PowerBINotAuthorizedException, or with an empty body' {
    It 'names the read-only admin API setting when the body is <Name>' -ForEach @(
        @{ Name = 'the recorded error'; Body = $null }
        @{ Name = 'empty'; Body = '' }
    ) {
        $case = Get-PbiCase -Id C15
        $override = [ordered]@{
            method = 'GET'; path = 'admin/groups'; status = 401; headers = @{}
            body   = if ($null -eq $Body) { $case.response.body } else { $Body }
        }
        $scenario = New-PbiScenarioFile -Base 'healthy' -Overrides @($override)
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Test-PbiWorkspacePermission @Connection'
        }
        finally {
            $emulator | Stop-PbiEmulator
        }

        $result = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        (@($run.Objects) | Where-Object Check -eq 'WorkspacePermission.AdminApi').Status.ToString() | Should -Be 'Failed'
        $result.Status.ToString() | Should -Be 'Warning'
        $result.Reason | Should -Be 'AdminApiNotAuthorized'
        $result.HttpStatus | Should -Be 401
        $result.Remediation | Should -BeLike "*Service principals can access read-only admin APIs*"
        $result.Message | Should -BeLike '*public API still shows*'
    }
}

Describe 'C19: an HTML page where JSON was expected' {
    It 'fails with UnexpectedResponse, quoting the status, content type and start of the page' {
        $run = Invoke-Case -Id C19 -Method GET -PathPattern '/v1\.0/myorg/(admin/)?groups' -Status 200 `
            -Command 'Test-PbiWorkspacePermission @Connection'

        $result = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'UnexpectedResponse'
        $result.Message | Should -BeLike '*text/html*'
        $result.Response | Should -BeLike '<!DOCTYPE html>*'
        $run.Errors | Should -BeNullOrEmpty
    }
}

Describe 'C09: the admin listing throttled for an hour' {
    It 'warns with the time to come back instead of sleeping' {
        $run = Invoke-Case -Id C09 -Method GET -PathPattern 'admin/groups' -Command 'Test-PbiWorkspacePermission @Connection'

        $result = @($run.Objects) | Where-Object Check -eq WorkspacePermission
        $result.Status.ToString() | Should -Be 'Warning'
        $result.Reason | Should -Be 'Throttled'
        $result.Message | Should -BeLike '*3392 s*'
        @($run.Requests | Where-Object { $_.path -like '/v1.0/myorg/admin/groups*' }).Count | Should -Be 1
    }
}

Describe 'C27: a scan result without tables' {
    It 'warns that detailed metadata is off' {
        $run = Invoke-Case -Id C27 -Method GET -PathPattern 'scanResult' -Command 'Test-PbiMetadataScan @Connection'

        $result = @($run.Objects) | Where-Object Check -eq 'MetadataScan'
        $result.Status.ToString() | Should -Be 'Warning'
        $result.Reason | Should -Be 'DetailedMetadataMissing'
        $result.Remediation | Should -BeLike '*Enhance admin APIs responses with detailed metadata*'
    }
}

Describe 'C22: scanResult throttled with no body and no reason phrase' {
    It 'is a Throttled warning recognised by its status code' {
        $run = Invoke-Case -Id C22 -Method GET -PathPattern 'scanResult' -Command 'Test-PbiMetadataScan @Connection'

        $scan = @($run.Objects) | Where-Object Check -eq 'MetadataScan.Scan'
        $scan.Status.ToString() | Should -Be 'Warning'
        $scan.Reason | Should -Be 'Throttled'
        $scan.HttpStatus | Should -Be 429
    }
}

Describe 'C26: a scan result with duplicate top-level keys' {
    It 'is read, warned about with the key names, and its content still judged' {
        $run = Invoke-Case -Id C26 -Method GET -PathPattern 'scanResult' -Command 'Test-PbiMetadataScan @Connection'

        $scan = @($run.Objects) | Where-Object Check -eq 'MetadataScan.Scan'
        $scan.Status.ToString() | Should -Be 'Warning'
        $scan.Reason | Should -Be 'ScanResultHasDuplicateKeys'
        $scan.Message | Should -BeLike '*datasourceInstances*'
        $scan.Details.WorkspacesScanned | Should -Be 1
        (@($run.Objects) | Where-Object Check -eq 'MetadataScan.Lineage').Details.DatasourceInstances | Should -Be 2
    }
}

Describe 'C30: a refreshable still in progress' {
    It 'passes: Unknown with no end time is a refresh that runs, not a failure' {
        $run = Invoke-Case -Id C30 -Method GET -PathPattern 'refreshables' -Command 'Test-PbiMetadataScan @Connection'

        $refreshables = @($run.Objects) | Where-Object Check -eq 'Refreshables'
        $refreshables.Status.ToString() | Should -Be 'Passed'
        $refreshables.Reason | Should -Be 'RefreshablesReadable'
    }
}
