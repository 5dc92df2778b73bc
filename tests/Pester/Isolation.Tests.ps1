# The module beside others that bring their own MSAL, as Az.Accounts and Microsoft.Graph.Authentication do: each
# order of loading, in a fresh PowerShell, and both sign-ins really run.

BeforeDiscovery {
    $orders = @(
        @{ Order = 'an older MSAL loaded before the module'; OlderFirst = $true }
        @{ Order = 'an older MSAL loaded after the module'; OlderFirst = $false }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    # Restored by build.ps1 from tests/tools/tools.csproj, like Pester itself.
    $packages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $olderMsal = Join-Path $packages 'microsoft.identity.client/4.61.3/lib/net6.0/Microsoft.Identity.Client.dll'
    $olderAbstractions = Join-Path $packages `
        'microsoft.identitymodel.abstractions/6.35.0/lib/net6.0/Microsoft.IdentityModel.Abstractions.dll'

    # Signs in with the older MSAL exactly as another module would, against the same emulated tenant.
    $olderSignIn = @'
Add-Type -Path $env:PBI_OLDER_ABSTRACTIONS
Add-Type -Path $env:PBI_OLDER_MSAL
$plain = [pscredential]::new('client', $secret).GetNetworkCredential().Password
$older = [Microsoft.Identity.Client.ConfidentialClientApplicationBuilder]::Create($Emulator.clientId).
    WithClientSecret($plain).
    WithAuthority("$($Emulator.url)/$($Emulator.tenantId)", $false).
    WithInstanceDiscovery($false).
    Build()
$token = $older.AcquireTokenForClient([string[]] @('https://analysis.windows.net/powerbi/api/.default')).
    ExecuteAsync().GetAwaiter().GetResult()
[pscustomobject]@{ OlderSignIn = [bool] $token.AccessToken }
'@

    $report = @'
[AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { $_.GetName().Name -eq 'Microsoft.Identity.Client' } |
    ForEach-Object {
        [pscustomobject]@{
            Version = $_.GetName().Version.ToString()
            Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).GetType().Name
        }
    }
[pscustomobject]@{ ResultTypeContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(
    [PbiPreflight.CheckResult].Assembly).GetType().Name }
'@
}

Describe 'Loading beside <Order>' -ForEach $orders {
    BeforeAll {
        $emulator = Start-PbiEmulator -Scenario healthy
        $module = 'Test-PbiCredentialScope @Connection'
        $script = if ($OlderFirst) { $olderSignIn, $module } else { $module, $olderSignIn }
        $run = Invoke-PbiChild -Emulator $emulator -Script (($script + $report) -join "`n") -Environment @{
            PBI_OLDER_MSAL          = $olderMsal
            PBI_OLDER_ABSTRACTIONS  = $olderAbstractions
        }
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'runs both sign-ins without an error' {
        $run.Errors | Should -BeNullOrEmpty
        ($run.Objects | Where-Object { $_.PSObject.Properties['OlderSignIn'] }).OlderSignIn | Should -BeTrue
        $check = $run.Objects | Where-Object { $_.PSObject.Properties['Check'] -and $_.Check -eq 'CredentialScope' }
        $check.Status.ToString() | Should -Be 'Passed'
    }

    It 'keeps its own MSAL private and the older one in the session' {
        $loaded = @($run.Objects | Where-Object { $_.PSObject.Properties['Context'] })
        $loaded.Count | Should -Be 2
        ($loaded | Where-Object Context -eq 'DefaultAssemblyLoadContext').Version | Should -Be '4.61.3.0'
        ($loaded | Where-Object Context -eq 'IsolatedEngine').Version | Should -Match '^4\.92\.'
    }

    It 'leaves the result types where scripts find them' {
        ($run.Objects | Where-Object { $_.PSObject.Properties['ResultTypeContext'] }).ResultTypeContext |
            Should -Be 'DefaultAssemblyLoadContext'
    }
}
