# The network between the module and the services: proxies (a real tinyproxy from Debian's packages), names
# that do not resolve, refused connections and certificates this machine does not trust.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $emulator = Start-PbiEmulator -Scenario healthy
    $emulatorPort = ([uri] $emulator.url).Port
    $hasTinyproxy = [bool] (Get-Command tinyproxy -ErrorAction Ignore)
    $skipReason = 'tinyproxy (Debian package "tinyproxy") is not installed; build.ps1 installs it when run as root on Debian.'
}

AfterAll {
    $emulator | Stop-PbiEmulator
}

Describe 'Through a forward proxy' {
    BeforeAll {
        $proxy = Start-PbiProxy -AllowPort $emulatorPort
        $authenticating = Start-PbiProxy -AllowPort $emulatorPort -User 'crawler' -Password 'proxy-canary-5150'
    }

    AfterAll {
        $proxy, $authenticating | Stop-PbiProxy
    }

    It 'sends every request, the token included, through -Proxy' {
        if (-not $hasTinyproxy) { Set-ItResult -Skipped -Because $skipReason; return }

        $run = Invoke-PbiChild -Emulator $emulator -Script "Invoke-PbiPreflight @Connection -Proxy '$($proxy.Url)'"

        @($run.Objects | Where-Object { $_.Status.ToString() -ne 'Passed' }) | Should -BeNullOrEmpty
        (Get-Content -Raw $proxy.Log) | Should -Match "CONNECT 127\.0\.0\.1:$emulatorPort"
    }

    It 'uses HTTPS_PROXY when no -Proxy is given' {
        if (-not $hasTinyproxy) { Set-ItResult -Skipped -Because $skipReason; return }
        $before = (Select-String -Path $proxy.Log -Pattern 'CONNECT' -ErrorAction Ignore).Count

        $run = Invoke-PbiChild -Emulator $emulator -Script 'Test-PbiCredentialScope @Connection' `
            -Environment @{ HTTPS_PROXY = $proxy.Url; NO_PROXY = '' }

        (@($run.Objects) | Where-Object Check -eq CredentialScope).Status.ToString() | Should -Be 'Passed'
        (Select-String -Path $proxy.Log -Pattern 'CONNECT').Count | Should -BeGreaterThan $before
    }

    It 'names a 407 from the proxy and how to pass credentials' {
        if (-not $hasTinyproxy) { Set-ItResult -Skipped -Because $skipReason; return }

        $run = Invoke-PbiChild -Emulator $emulator -Script "Test-PbiCredentialScope @Connection -Proxy '$($authenticating.Url)'"

        $result = @($run.Objects) | Where-Object Check -eq CredentialScope
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'ProxyAuthenticationRequired'
        $result.Remediation | Should -BeLike '*-ProxyCredential*'
    }

    It 'passes with -ProxyCredential, and the proxy password shows nowhere' {
        if (-not $hasTinyproxy) { Set-ItResult -Skipped -Because $skipReason; return }
        $script = @"
`$proxyCredential = [pscredential]::new('crawler', (ConvertTo-SecureString 'proxy-canary-5150' -AsPlainText -Force))
Invoke-PbiPreflight @Connection -Proxy '$($authenticating.Url)' -ProxyCredential `$proxyCredential -Verbose
"@
        $run = Invoke-PbiChild -Emulator $emulator -Script $script

        @($run.Objects | Where-Object { $_.Status.ToString() -ne 'Passed' }) | Should -BeNullOrEmpty
        $run.Text | Should -Not -BeLike '*proxy-canary-5150*'
    }
}

Describe 'When no answer comes' {
    It '<Name> is <Reason>' -ForEach @(
        @{ Name = 'a Power BI host that refuses connections'; Check = 'WorkspacePermission.PublicApi'
            Reason = 'ConnectionRefused'; Script = '$Connection.ApiBaseUri = "https://127.0.0.1:1"; Test-PbiWorkspacePermission @Connection -TimeoutSec 10' }
        @{ Name = 'an authority whose name does not resolve'; Check = 'CredentialScope'
            Reason = 'NameResolutionFailed'; Script = '$Connection.AuthorityHost = "https://login.pbipreflight-test.invalid"; Test-PbiCredentialScope @Connection -TimeoutSec 10' }
    ) {
        $run = Invoke-PbiChild -Emulator $emulator -Script $Script

        $result = @($run.Objects) | Where-Object Check -eq $Check
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be $Reason
        $result.Remediation | Should -Not -BeNullOrEmpty
        $run.Errors | Should -BeNullOrEmpty
    }

    It 'a certificate this machine does not trust is TlsUntrustedRoot, and validation stays on' {
        # The child trusts only the system's roots, as a machine behind a TLS-inspecting proxy would.
        $run = Invoke-PbiChild -Emulator $emulator -Script 'Test-PbiCredentialScope @Connection' `
            -Environment @{ SSL_CERT_FILE = '/etc/ssl/certs/ca-certificates.crt' }

        $result = @($run.Objects) | Where-Object Check -eq CredentialScope
        $result.Status.ToString() | Should -Be 'Failed'
        $result.Reason | Should -Be 'TlsUntrustedRoot'
        $result.Remediation | Should -BeLike '*root certificate*'
    }
}
