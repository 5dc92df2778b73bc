# Many tenants through one pipeline: Invoke-PbiPreflight checks up to -ThrottleLimit of them at once, as the
# emulator's request log shows, and still writes each tenant's results together, in input order.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    # Twelve copies of the healthy tenant, each answer 150 ms late, so that runs overlap visibly.
    $scenario = Join-Path ([System.IO.Path]::GetTempPath()) ("pbi-many-" + [guid]::NewGuid().ToString('N') + '.json')
    @{ base = 'healthy'; tenants = 12; latencyMs = 150 } | ConvertTo-Json | Set-Content -Path $scenario
    $emulator = Start-PbiEmulator -Scenario $scenario

    # The tenants reach the child through its environment, secrets included, never its command line.
    $tenants = $emulator.tenants | ConvertTo-Json -Compress
    $script = @'
$rows = $env:PBI_TENANTS | ConvertFrom-Json | ForEach-Object {
    [pscustomobject]@{
        TenantId     = $_.tenantId
        ClientId     = $_.clientId
        ClientSecret = ConvertTo-SecureString -String $_.clientSecret -AsPlainText -Force
    }
}
$rows | Invoke-PbiPreflight -Environment Custom -AuthorityHost $env:PBI_TEST_URL -ApiBaseUri $env:PBI_TEST_URL `
    -ThrottleLimit 4 -SampleSize 1
'@
    $run = Invoke-PbiChild -Emulator $emulator -Script $script -Environment @{ PBI_TENANTS = $tenants }
    $requests = @(Get-PbiEmulatorRequest -Emulator $emulator)
}

AfterAll {
    $emulator | Stop-PbiEmulator
    Remove-Item $scenario -ErrorAction Ignore
}

Describe 'Invoke-PbiPreflight -ThrottleLimit over twelve tenants' {
    It 'checks every tenant fully, without an error' {
        $run.Errors | Should -BeNullOrEmpty
        $results = @($run.Objects | Where-Object { $_.PSObject.Properties['Check'] })
        @($results.TenantId | Sort-Object -Unique).Count | Should -Be 12
        @($results | Where-Object { $_.Check -eq 'MetadataScan' -and $_.Status.ToString() -eq 'Passed' }).Count |
            Should -Be 12
    }

    It 'writes each tenant''s results together, in input order' {
        $order = @($run.Objects | Where-Object { $_.PSObject.Properties['Check'] } | ForEach-Object TenantId)
        $groups = @($order | ForEach-Object -Begin { $last = $null } -Process {
                if ($_ -ne $last) { $_ }
                $last = $_
            })
        $groups | Should -Be @($emulator.tenants.tenantId) -Because 'a tenant''s results are never split by another'
    }

    It 'has up to four tenants in flight together, never more' {
        $windows = $requests | Where-Object { $_.tenantId } | Group-Object tenantId | ForEach-Object {
            [pscustomobject]@{
                Start = ($_.Group | Measure-Object arrivedUnixMs -Minimum).Minimum
                End   = ($_.Group | Measure-Object finishedUnixMs -Maximum).Maximum
            }
        }
        $windows.Count | Should -Be 12

        # The most windows open at any one start: each start is where the overlap can grow.
        $mostInFlight = ($windows | ForEach-Object {
                $at = $_.Start
                @($windows | Where-Object { $_.Start -le $at -and $_.End -gt $at }).Count
            } | Measure-Object -Maximum).Maximum
        $mostInFlight | Should -Be 4
    }
}
