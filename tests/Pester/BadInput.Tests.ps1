# Bad invocations, table-driven: each ends with an error whose fully qualified id is stable and whose message
# says what to fix, before any network call.

BeforeDiscovery {
    # Discovery of every test file shares one script scope, so the table's name is this file's own.
    $script:BadInputCases = @(
        @{ Name = 'tenant with spaces and punctuation'; Id = 'InvalidTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId "bad tenant!"' }
        @{ Name = 'empty tenant, as an unset variable gives'; Id = 'MissingTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId ""' }
        @{ Name = 'blank tenant'; Id = 'MissingTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId "   "' }
        @{ Name = 'tenant without a dot'; Id = 'InvalidTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId "contoso"' }
        @{ Name = 'tenant given as an authority URL'; Id = 'InvalidTenantId'
            Script = 'Test-PbiCredentialScope @Connection -TenantId "https://login.microsoftonline.com/contoso.com"' }
        @{ Name = 'client id that is a name'; Id = 'InvalidClientId'
            Script = '$Connection.ClientId = "my-app"; Test-PbiCredentialScope @Connection' }
        @{ Name = 'empty client id'; Id = 'ParameterArgumentValidationErrorEmptyStringNotAllowed'
            Script = '$Connection.ClientId = ""; Test-PbiCredentialScope @Connection' }
        @{ Name = 'client id of 100,000 characters'; Id = 'InvalidClientId'
            Script = '$Connection.ClientId = "x" * 100000; Test-PbiCredentialScope @Connection' }
        @{ Name = 'empty secret'; Id = 'EmptyClientSecret'
            Script = '$Connection.ClientSecret = [securestring]::new(); Test-PbiCredentialScope @Connection' }
        @{ Name = 'blank secret'; Id = 'EmptyClientSecret'
            Script = '$Connection.ClientSecret = ConvertTo-SecureString "   " -AsPlainText -Force; Test-PbiCredentialScope @Connection' }
        @{ Name = 'null secret'; Id = 'ParameterArgumentValidationErrorNullNotAllowed'
            Script = '$Connection.ClientSecret = $null; Test-PbiCredentialScope @Connection' }
        @{ Name = 'credential with an empty password'; Id = 'EmptyClientSecret'
            Script = '$Connection.Remove("ClientId"); $Connection.Remove("ClientSecret"); Test-PbiCredentialScope @Connection -Credential ([pscredential]::new($env:PBI_TEST_CLIENT, [securestring]::new()))' }
        @{ Name = 'credential whose user is not a client id'; Id = 'InvalidClientId'
            Script = '$Connection.Remove("ClientId"); $Connection.Remove("ClientSecret"); Test-PbiCredentialScope @Connection -Credential ([pscredential]::new("admin@contoso.com", $secret))' }
        @{ Name = 'both a secret and a credential'; Id = 'AmbiguousParameterSet'
            Script = 'Test-PbiCredentialScope @Connection -Credential ([pscredential]::new($env:PBI_TEST_CLIENT, $secret))' }
        @{ Name = 'Custom without -ApiBaseUri'; Id = 'CustomEnvironmentRequiresUris'
            Script = '$Connection.Remove("ApiBaseUri"); Invoke-PbiPreflight @Connection' }
        @{ Name = 'Custom without -AuthorityHost'; Id = 'CustomEnvironmentRequiresUris'
            Script = '$Connection.Remove("AuthorityHost"); Invoke-PbiPreflight @Connection' }
        @{ Name = 'http authority'; Id = 'InsecureCustomUri'
            Script = '$Connection.AuthorityHost = "http://127.0.0.1:1"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'http API base'; Id = 'InsecureCustomUri'
            Script = '$Connection.ApiBaseUri = "http://127.0.0.1:1"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'authority with a path'; Id = 'CustomUriNotAnOrigin'
            Script = '$Connection.AuthorityHost = $Connection.AuthorityHost + "/tenant"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'http Graph base'; Id = 'InsecureCustomUri'
            Script = 'Invoke-PbiPreflight @Connection -GraphBaseUri "http://127.0.0.1:1"' }
        @{ Name = 'custom hosts with a named cloud'; Id = 'CustomUrisRequireCustomEnvironment'
            Script = '$Connection.Environment = "Public"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'unknown cloud'; Id = 'InvalidEnvironment'
            Script = '$Connection.Environment = "Mars"; Invoke-PbiPreflight @Connection' }
        @{ Name = 'time-out of zero'; Id = 'ParameterArgumentValidationError'
            Script = 'Invoke-PbiPreflight @Connection -TimeoutSec 0' }
        @{ Name = 'time-out of a day'; Id = 'ParameterArgumentValidationError'
            Script = 'Invoke-PbiPreflight @Connection -TimeoutSec 86400' }
        @{ Name = 'scan time-out of zero'; Id = 'ParameterArgumentValidationError'
            Script = 'Invoke-PbiPreflight @Connection -ScanTimeoutSec 0' }
        @{ Name = 'check budget of five seconds'; Id = 'ParameterArgumentValidationError'
            Script = 'Invoke-PbiPreflight @Connection -CheckTimeoutSec 5' }
        @{ Name = 'workspace name with an open set'; Id = 'InvalidWorkspaceName'
            Script = 'Test-PbiWorkspacePermission @Connection -WorkspaceName "[abc"' }
        @{ Name = 'proxy with a password in its address, refused'; Id = 'InvalidProxy'
            Script = 'Invoke-PbiPreflight @Connection -Proxy "socks5://user:proxy-canary-77@127.0.0.1:9"' }
        @{ Name = 'sample of zero'; Id = 'ParameterArgumentValidationError'
            Script = 'Test-PbiMetadataScan @Connection -SampleSize 0' }
        @{ Name = 'sample of 101'; Id = 'ParameterArgumentValidationError'
            Script = 'Test-PbiMetadataScan @Connection -SampleSize 101' }
        @{ Name = '101 workspace ids'; Id = 'ParameterArgumentValidationError'
            Script = 'Test-PbiMetadataScan @Connection -WorkspaceId (1..101 | ForEach-Object { [guid]::NewGuid() })' }
        @{ Name = 'workspace id that is not a GUID'; Id = 'CannotConvertArgumentNoMessage'
            Script = 'Test-PbiMetadataScan @Connection -WorkspaceId "finance"' }
        @{ Name = 'ftp proxy'; Id = 'InvalidProxy'
            Script = 'Invoke-PbiPreflight @Connection -Proxy "ftp://proxy.example:21"' }
        @{ Name = 'proxy credentials without a proxy'; Id = 'ProxyCredentialWithoutProxy'
            Script = 'Invoke-PbiPreflight @Connection -ProxyUseDefaultCredentials' }
        @{ Name = 'two kinds of proxy credentials'; Id = 'ConflictingProxyCredentials'
            Script = 'Invoke-PbiPreflight @Connection -Proxy "http://127.0.0.1:1" -ProxyUseDefaultCredentials -ProxyCredential ([pscredential]::new("u", $secret))' }
        @{ Name = 'propagation wait of ten hours'; Id = 'ParameterArgumentValidationError'
            Script = 'Invoke-PbiPreflight @Connection -WaitForPropagation 600' }
        @{ Name = 'empty workspace name'; Id = 'ParameterArgumentValidationError'
            Script = 'Test-PbiWorkspacePermission @Connection -WorkspaceName ""' }

        # Other kinds of sign-in: what MSAL would refuse, or send in vain, is refused first. $Tenant is the
        # connection without a client secret; $Tenant.ClientId is removed where the kind takes none.
        @{ Name = 'user name that is not a principal name'; Id = 'UserNameNotPrincipalName'
            Script = 'Test-PbiCredentialScope @Tenant -UserCredential ([pscredential]::new("jane", $secret))' }
        @{ Name = 'user name in DOMAIN\user form'; Id = 'UserNameNotPrincipalName'
            Script = 'Test-PbiCredentialScope @Tenant -UserCredential ([pscredential]::new("CONTOSO\jane", $secret))' }
        @{ Name = 'empty federated token'; Id = 'EmptyFederatedToken'
            Script = 'Test-PbiCredentialScope @Tenant -FederatedToken ([securestring]::new())' }
        @{ Name = 'blank federated token'; Id = 'EmptyFederatedToken'
            Script = 'Test-PbiCredentialScope @Tenant -FederatedToken (ConvertTo-SecureString " `n" -AsPlainText -Force)' }
        @{ Name = 'empty federated token file'; Id = 'EmptyFederatedTokenFile'
            Script = '$file = New-TemporaryFile
                try { Test-PbiCredentialScope @Tenant -FederatedTokenFile $file.FullName } finally { Remove-Item $file }' }
        @{ Name = 'folder as the federated token file'; Id = 'FederatedTokenFileUnreadable'
            Script = 'Test-PbiCredentialScope @Tenant -FederatedTokenFile ([IO.Path]::GetTempPath())' }
        @{ Name = 'access token that is Bearer and a tab'; Id = 'EmptyAccessToken'
            Script = '$Tenant.Remove("ClientId")
                Test-PbiCredentialScope @Tenant -AccessToken (ConvertTo-SecureString "bearer`t" -AsPlainText -Force)' }
        @{ Name = 'access token that is only its Bearer prefix'; Id = 'EmptyAccessToken'
            Script = '$Tenant.Remove("ClientId")
                Test-PbiCredentialScope @Tenant -AccessToken (ConvertTo-SecureString "Bearer " -AsPlainText -Force)' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $emulator = Start-PbiEmulator -Scenario healthy

    # Every case runs in one child PowerShell, each from a fresh copy of the connection parameters.
    $runner = @'
$cases = $env:PBI_TEST_CASES | ConvertFrom-Json
$base = $Connection.Clone()
foreach ($case in $cases) {
    $Connection = $base.Clone()
    $Tenant = $base.Clone()
    $Tenant.Remove('ClientSecret')
    $caught = $null
    $output = @()
    try {
        $output = @(& ([scriptblock]::Create($case.Script)) 2>&1)
    }
    catch {
        $caught = $_
    }

    $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) + @($caught | Where-Object { $_ })
    [pscustomobject]@{
        Name    = $case.Name
        Ids     = @($errors | ForEach-Object FullyQualifiedErrorId)
        Message = ($errors | Select-Object -First 1 | ForEach-Object { $_.ToString() })
        Results = @($output | Where-Object { $_ -is [PbiPreflight.CheckResult] }).Count
    }
}
'@
    $cases = @($BadInputCases | ForEach-Object { @{ Name = $_.Name; Script = $_.Script } }) | ConvertTo-Json -Compress
    $run = Invoke-PbiChild -Emulator $emulator -Script $runner -Environment @{ PBI_TEST_CASES = $cases }
    $outcomes = @{}
    foreach ($outcome in @($run.Objects)) {
        $outcomes[$outcome.Name] = $outcome
    }

    $requests = @(Get-PbiEmulatorRequest -Emulator $emulator)
}

AfterAll {
    $emulator | Stop-PbiEmulator
}

Describe 'Bad invocations' {
    It 'made no network call at all' {
        $requests | Should -BeNullOrEmpty
        $outcomes.Count | Should -BeGreaterOrEqual 30
    }

    It '<Name>: error <Id>' -ForEach $BadInputCases {
        $outcome = $outcomes[$Name]
        $outcome | Should -Not -BeNullOrEmpty
        $outcome.Results | Should -Be 0
        @($outcome.Ids).Count | Should -Be 1
        @($outcome.Ids)[0] | Should -BeLike "$Id,*"
        $outcome.Message | Should -Not -BeNullOrEmpty
        $outcome.Message.Length | Should -BeLessThan 600 -Because 'a pasted page is not echoed back'
        $outcome.Message | Should -Not -BeLike '*proxy-canary-77*'
    }
}

Describe 'Bad items from the pipeline' {
    It 'are reported one by one while the good rows still run' {
        $script = @'
@(
    $null
    [pscustomobject]@{ TenantId = 'bad tenant!'; ClientId = $env:PBI_TEST_CLIENT; Environment = 'Custom' }
    [pscustomobject]@{ TenantId = $env:PBI_TEST_TENANT; ClientId = 'not-a-guid'; Environment = 'Custom' }
    [pscustomobject]@{ TenantId = $env:PBI_TEST_TENANT; ClientId = $env:PBI_TEST_CLIENT; Environment = 'Custom' }
) | Test-PbiCredentialScope -ClientSecret $secret -AuthorityHost $env:PBI_TEST_URL -ApiBaseUri $env:PBI_TEST_URL
'@
        $pipelineEmulator = Start-PbiEmulator -Scenario healthy
        try {
            $piped = Invoke-PbiChild -Emulator $pipelineEmulator -Script $script
        }
        finally {
            $pipelineEmulator | Stop-PbiEmulator
        }

        $ids = @($piped.Errors.FullyQualifiedErrorId)
        $ids | Should -HaveCount 3
        $ids[1] | Should -BeLike 'InvalidTenantId,*'
        $ids[2] | Should -BeLike 'InvalidClientId,*'
        (@($piped.Objects) | Where-Object Check -eq CredentialScope).Status.ToString() | Should -Be 'Passed'
    }
}
