# Faults the emulator injects: flaky, reset, stalled, HTML, huge and slow answers, an expiring token, old TLS and
# a certificate for another name. Each outcome is asserted, and each run is bounded to catch hangs; speed itself
# is measured by the benchmark, not here.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    function Invoke-Fault {
        param(
            [string] $Scenario,
            [string] $Script,
            [string[]] $ExtraArguments = @(),
            [hashtable] $EmulatorEnvironment = @{},

            # For a server whose TLS this process would refuse too.
            [switch] $NoRequestLog
        )

        $emulator = Start-PbiEmulator -Scenario $Scenario -ExtraArguments $ExtraArguments -Environment $EmulatorEnvironment
        try {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $run = Invoke-PbiChild -Emulator $emulator -Script $Script
            $run | Add-Member -NotePropertyName Seconds -NotePropertyValue $watch.Elapsed.TotalSeconds
            $requests = if ($NoRequestLog) { @() } else { @(Get-PbiEmulatorRequest -Emulator $emulator) }
            $run | Add-Member -NotePropertyName Requests -NotePropertyValue $requests
            return $run
        }
        finally {
            $emulator | Stop-PbiEmulator
        }
    }

    function Get-Result {
        param($Run, [string] $Check)
        return @($Run.Objects) | Where-Object { $_.Check -eq $Check }
    }
}

Describe 'Injected faults' {
    It 'retries two 503s on GET groups and passes' {
        $run = Invoke-Fault -Scenario flaky-groups -Script 'Test-PbiWorkspacePermission @Connection'

        (Get-Result $run 'WorkspacePermission.PublicApi').Status.ToString() | Should -Be 'Passed'
        @($run.Requests | Where-Object path -like '/v1.0/myorg/groups*').Count | Should -Be 3
        $run.Seconds | Should -BeLessThan 60
    }

    It 'names a connection reset on the admin listing' {
        $run = Invoke-Fault -Scenario reset-admin -Script 'Test-PbiWorkspacePermission @Connection'

        $admin = Get-Result $run 'WorkspacePermission.AdminApi'
        $admin.Status.ToString() | Should -Be 'Failed'
        $admin.Reason | Should -Be 'ConnectionReset'
        (Get-Result $run 'WorkspacePermission').Status.ToString() | Should -Be 'Warning'
        $run.Errors | Should -BeNullOrEmpty
    }

    It 'ends a stalled scan result at -TimeoutSec instead of hanging' {
        $run = Invoke-Fault -Scenario stalled-scan-result -Script 'Test-PbiMetadataScan @Connection -TimeoutSec 3'

        $scan = Get-Result $run 'MetadataScan.Scan'
        $scan.Status.ToString() | Should -Be 'Failed'
        $scan.Reason | Should -Be 'RequestTimedOut'
        $scan.Remediation | Should -BeLike '*-TimeoutSec*'
        $run.Seconds | Should -BeLessThan 90
    }

    It 'reports an HTML page on both listings with its content type and start' {
        $run = Invoke-Fault -Scenario html-groups -Script 'Test-PbiWorkspacePermission @Connection'

        $summary = Get-Result $run 'WorkspacePermission'
        $summary.Status.ToString() | Should -Be 'Failed'
        $summary.Reason | Should -Be 'UnexpectedResponse'
        $summary.Message | Should -BeLike '*text/html*'
        $summary.Response | Should -BeLike '*<html*'
    }

    It 'streams a 300 MB scan result without holding it' {
        $script = @'
Test-PbiMetadataScan @Connection
[pscustomobject]@{ Check = 'Memory'; PeakMegabytes = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB }
'@
        $run = Invoke-Fault -Scenario huge-scan-result -Script $script

        $scan = Get-Result $run 'MetadataScan.Scan'
        $scan.Status.ToString() | Should -BeIn 'Passed', 'Warning'
        $scan.Details.ScanResultBytes | Should -BeGreaterThan 300MB
        $scan.Details.WorkspacesScanned | Should -BeGreaterThan 100000
        (Get-Result $run 'Memory').PeakMegabytes | Should -BeLessThan 300 -Because 'the body is counted as it streams'
        $run.Seconds | Should -BeLessThan 180
    }

    It 'gives up on a token endpoint that answers after -TimeoutSec' {
        $run = Invoke-Fault -Scenario slow-token -Script 'Test-PbiCredentialScope @Connection -TimeoutSec 2'

        $credential = Get-Result $run 'CredentialScope'
        $credential.Status.ToString() | Should -Be 'Failed'
        $credential.Reason | Should -Be 'RequestTimedOut'
        $run.Seconds | Should -BeLessThan 30
    }

    It 'honours a Retry-After given as an HTTP date' {
        $run = Invoke-Fault -Scenario retry-after-date -Script 'Test-PbiWorkspacePermission @Connection'

        (Get-Result $run 'WorkspacePermission.PublicApi').Status.ToString() | Should -Be 'Passed'
        $groups = @($run.Requests | Where-Object path -like '/v1.0/myorg/groups*')
        $groups.Count | Should -Be 2
        ([datetimeoffset] $groups[1].time - [datetimeoffset] $groups[0].time).TotalSeconds | Should -BeGreaterThan 0.9
    }

    It 'gets one fresh token when Power BI says the token expired during the scan' {
        $run = Invoke-Fault -Scenario token-expired-midway -Script 'Test-PbiMetadataScan @Connection'

        (Get-Result $run 'MetadataScan.Scan').Status.ToString() | Should -Be 'Passed'
        @($run.Requests | Where-Object path -like '*/oauth2/v2.0/token*').Count | Should -Be 2
    }

    It 'names a server that speaks only TLS 1.1' {
        $legacy = Join-Path $PSScriptRoot '../../out/emulator/openssl-legacy.cnf'
        $run = Invoke-Fault -Scenario healthy -Script 'Test-PbiCredentialScope @Connection -TimeoutSec 10' `
            -ExtraArguments '--tls-max', '1.1' -EmulatorEnvironment @{ OPENSSL_CONF = (Resolve-Path $legacy).Path } -NoRequestLog

        $credential = Get-Result $run 'CredentialScope'
        $credential.Status.ToString() | Should -Be 'Failed'
        $credential.Reason | Should -Be 'TlsHandshakeFailed'
        $credential.Remediation | Should -BeLike '*TLS 1.2*'
    }

    It 'names a certificate issued for another host' {
        $run = Invoke-Fault -Scenario healthy -Script 'Test-PbiCredentialScope @Connection -TimeoutSec 10' `
            -ExtraArguments '--cert-host', 'login.other-host.example' -NoRequestLog

        $credential = Get-Result $run 'CredentialScope'
        $credential.Status.ToString() | Should -Be 'Failed'
        $credential.Reason | Should -Be 'TlsNameMismatch'
    }
}

Describe 'Stopping' {
    It 'Select-Object -First 1 ends the engine too, so nothing keeps polling' {
        $scenario = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-slow-scan-" + [guid]::NewGuid().ToString('N') + '.json')
        @{ base = 'healthy'; scanDurationMs = 600000 } | ConvertTo-Json | Set-Content -Path $scenario
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script 'Invoke-PbiPreflight @Connection | Select-Object -First 1'
            $atReturn = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
            Start-Sleep -Seconds 7
            $later = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
        }
        finally {
            $emulator | Stop-PbiEmulator
            Remove-Item $scenario
        }

        @($run.Objects).Count | Should -Be 1
        $later | Should -Be $atReturn
    }

    It 'Ctrl+C during scan polling returns within a few seconds and leaves no request behind' {
        $scenario = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-slow-scan-" + [guid]::NewGuid().ToString('N') + '.json')
        @{ base = 'healthy'; scanDurationMs = 600000 } | ConvertTo-Json | Set-Content -Path $scenario
        $script = @'
$module = (Get-Module PbiPreflight).Path -replace '\.dll$', '.psd1'
$shell = [powershell]::Create()
$null = $shell.AddCommand('Import-Module').AddArgument($module).AddStatement().AddCommand('Test-PbiMetadataScan').AddParameters($Connection)
$handle = $shell.BeginInvoke()
Start-Sleep -Seconds 4
$watch = [System.Diagnostics.Stopwatch]::StartNew()
$shell.Stop()
[pscustomobject]@{ Check = 'Stop'; Seconds = $watch.Elapsed.TotalSeconds; State = $shell.InvocationStateInfo.State.ToString() }
$shell.Dispose()
'@
        $emulator = Start-PbiEmulator -Scenario $scenario
        try {
            $run = Invoke-PbiChild -Emulator $emulator -Script $script
            $atStop = @(Get-PbiEmulatorRequest -Emulator $emulator).Count

            # Longer than the longest wait between status polls (5 s), so a poller left behind would show.
            Start-Sleep -Seconds 7
            $later = @(Get-PbiEmulatorRequest -Emulator $emulator).Count
        }
        finally {
            $emulator | Stop-PbiEmulator
            Remove-Item $scenario
        }

        $stop = @($run.Objects) | Where-Object Check -eq 'Stop'
        $stop.State | Should -Be 'Stopped'
        $stop.Seconds | Should -BeLessThan 3 -Because 'the cmdlet returns within a second; three allow for a busy machine'
        $later | Should -Be $atStop -Because 'no background work is left polling'
        $atStop | Should -BeGreaterThan 3 -Because 'the scan had started polling before the stop'
    }
}
