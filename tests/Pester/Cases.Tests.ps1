# Real failures seen in the wild (tests/cases), replayed through the emulator's overrides: the module must name
# the real cause of each, not just fail.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    function Invoke-Case {
        param([string] $Id, [string] $Method, [string] $PathPattern, [string] $Command, [object] $Status)

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
        $scenario = New-PbiScenarioFile -Base 'healthy' -Overrides @($override)
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script $Command
            $run | Add-Member -NotePropertyName Requests -NotePropertyValue (Get-PbiEmulatorRequest -Emulator $emulator)
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
