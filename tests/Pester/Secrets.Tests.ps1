# The secret and the tokens never leave the module: not in any stream, result, export, transcript or $Error,
# even when a service echoes them back. The same holds for every other credential kind: a PFX password, a user's
# password, a federated token given or read from a file, and an access token given as it is.

BeforeDiscovery {
    $script:Scenarios = @(
        @{ Name = 'healthy'; Overrides = @() }
        @{ Name = 'invalid-secret'; Overrides = @() }
        @{ Name = 'admin-api-disabled'; Overrides = @() }
        @{ Name = 'scan-fails'; Overrides = @() }
        @{ Name = 'secret-expiring'; Overrides = @() }
        @{ Name = 'echoing token endpoint'; Overrides = @('token') }
        @{ Name = 'echoing Power BI'; Overrides = @('groups') }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force
    $healthy = Get-Content -Raw (Join-Path $PSScriptRoot '../../out/emulator/Scenarios/healthy.json') |
        ConvertFrom-Json
    $healthySecret = $healthy.apps[0].secrets[0].value

    # A JWT-shaped value that a careless service might echo: it must be masked like a real one.
    $echoedToken = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2FuYWx5c2lzIn0.c2lnbmF0dXJlLXRoYXQtaXMtZmFrZQ'
    $echoes = @{
        token  = [ordered]@{
            method = 'POST'; path = 'oauth2/v2.0/token'; status = 400
            body   = [ordered]@{
                error             = 'invalid_request'
                error_description = "AADSTS900144: The request body must contain the following parameter: 'scope'. Echo: client_secret=$healthySecret"
                error_codes       = @(900144)
            }
        }
        groups = [ordered]@{
            method = 'GET'; path = '/v1\.0/myorg/groups'; status = 500
            body   = [ordered]@{ Message = "Echo: Authorization: Bearer $echoedToken; secret=$healthySecret" }
        }
    }

    $probe = @'
$transcript = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.txt')
$clixml = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.xml')
$Error.Clear()
Start-Transcript -Path $transcript | Out-Null
$DebugPreference = 'Continue'
$InformationPreference = 'Continue'
$results = Invoke-PbiPreflight @Connection -Verbose -Debug
$results | Format-List * -Force | Out-Host
Stop-Transcript | Out-Null
$results | Export-Clixml -Path $clixml -Depth 10
$errorText = foreach ($record in $Error) {
    $record | Format-List * -Force | Out-String -Width 500
    for ($exception = $record.Exception; $exception; $exception = $exception.InnerException) {
        $exception | Format-List * -Force | Out-String -Width 500
    }
}

[pscustomobject]@{
    Json       = $results | ConvertTo-Json -Depth 10
    Clixml     = Get-Content -Raw $clixml
    Transcript = Get-Content -Raw $transcript
    Errors     = $errorText -join "`n"
    Strings    = ($results | ForEach-Object { $_.ToString() }) -join "`n"
}
Remove-Item $transcript, $clixml
'@
}

Describe 'No secret or token in any output: <Name>' -ForEach $Scenarios {
    BeforeAll {
        $scenario = if ($Overrides.Count -gt 0) {
            New-PbiScenarioFile -Base 'healthy' -Overrides @($Overrides | ForEach-Object { $echoes[$_] })
        }
        else {
            $Name
        }

        $emulator = Start-PbiEmulator -Scenario $scenario
        $run = Invoke-PbiChild -Emulator $emulator -Script $probe
        $outputs = @($run.Objects)[0]
        $everything = @($run.Text, $run.Console, $outputs.Json, $outputs.Clixml, $outputs.Transcript, $outputs.Errors,
            $outputs.Strings) -join "`n"
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It 'ran and recorded every stream' {
        $outputs.Json | Should -Not -BeNullOrEmpty
        $outputs.Transcript | Should -BeLike '*CredentialScope*'
        $run.Text | Should -BeLike '*Requesting a token*' -Because 'the verbose stream was captured'
        if ($Overrides.Count -gt 0) {
            # The echo reached the results, masked: the test would see a leak.
            $outputs.Json | Should -BeLike '*Echo:*'
            $outputs.Json | Should -BeLike '*`*`*`**'
        }
    }

    It 'shows the secret nowhere' {
        $emulator.clientSecret.Length | Should -BeGreaterThan 8
        $everything | Should -Not -BeLike "*$($emulator.clientSecret)*"
        $everything | Should -Not -BeLike "*$healthySecret*"
    }

    It 'shows no token, issued or echoed' {
        $everything | Should -Not -Match 'eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.'
    }
}

Describe 'No secret or token in any output: certificate, user, federated and given tokens' {
    BeforeAll {
        # One emulator and one child serve every run, to keep the suite fast; each run signs in another way, and
        # every way is also tried with something the service refuses, since error paths are where secrets leak.
        $emulator = Start-PbiEmulator -Scenario 'sign-in'

        function New-FederatedToken([string] $Subject, [int] $LifetimeSeconds) {
            $claims = @{
                issuer = 'https://token.actions.githubusercontent.com'; subject = $Subject
                audience = 'api://AzureADTokenExchange'; lifetimeSeconds = $LifetimeSeconds
            }
            $minted = Invoke-RestMethod -Method Post -Uri "$($emulator.url)/_emulator/federated-token" `
                -ContentType 'application/json' -Body ($claims | ConvertTo-Json)
            return $minted.token
        }

        $tokenEndpoint = "$($emulator.url)/$($emulator.tenantId)/oauth2/v2.0/token"
        $issued = Invoke-RestMethod -Method Post -Uri $tokenEndpoint -Body @{
            grant_type = 'client_credentials'; client_id = $emulator.clientId; client_secret = $emulator.clientSecret
            scope      = 'https://analysis.windows.net/powerbi/api/.default'
        }

        # A token an hour past its end, shaped like Entra ID's; its signature is a canary of its own.
        $hourAgo = [DateTimeOffset]::UtcNow.AddHours(-1).ToUnixTimeSeconds()
        $expiredPayload = @{
            aud = 'https://analysis.windows.net/powerbi/api'; tid = $emulator.tenantId; appid = $emulator.clientId
            idtyp = 'app'; ver = '1.0'; iat = $hourAgo - 3600; nbf = $hourAgo - 3600; exp = $hourAgo
        } | ConvertTo-Json -Compress
        $expiredAccessToken = (ConvertTo-Base64Url '{"typ":"JWT","alg":"RS256"}') + '.' +
            (ConvertTo-Base64Url $expiredPayload) + '.' +
            (ConvertTo-Base64Url ('canary-signature-' + [guid]::NewGuid()))

        # The values the child signs in with besides those of the ready line; each is a secret to look for.
        $given = [ordered]@{
            PublicClientId         = 'a9000000-0000-4000-8000-0000000000a1'
            WrongPfxPassword       = 'Canary-pfx-' + [guid]::NewGuid().ToString('N')
            WrongUserPassword      = 'Canary-user-' + [guid]::NewGuid().ToString('N')
            FederatedToken         = New-FederatedToken 'repo:contoso/pbi-crawler:ref:refs/heads/main' 300
            RejectedFederatedToken = New-FederatedToken 'repo:contoso/somebody-else:ref:refs/heads/main' 300
            ExpiredFederatedToken  = New-FederatedToken 'repo:contoso/pbi-crawler:ref:refs/heads/main' -60
            AccessToken            = $issued.access_token
            ExpiredAccessToken     = $expiredAccessToken
            OpaqueAccessToken      = 'Canary-opaque-token-' + [guid]::NewGuid().ToString('N')
        }

        $probe = @'
$given = $env:PBI_TEST_GIVEN | ConvertFrom-Json
function Secure([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
$crawler = $Emulator.certificates.crawler
$other = $Emulator.certificates.other
$app = $Connection.ClientId
$common = @{} + $Connection
$common.Remove('ClientId')
$expiredTokenFile = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.jwt')
Set-Content -Path $expiredTokenFile -Value $given.ExpiredFederatedToken -NoNewline
$user = [pscredential]::new($Emulator.userName, (Secure $Emulator.password))
$wrongUser = [pscredential]::new($Emulator.userName, (Secure $given.WrongUserPassword))

$runs = [ordered]@{
    CertificateFile           = { Invoke-PbiPreflight @common -ClientId $app -CertificatePath $crawler.pfxPath `
        -CertificatePassword (Secure $crawler.pfxPassword) }
    CertificateUnregistered   = { Invoke-PbiPreflight @common -ClientId $app -CertificatePath $other.pfxPath `
        -CertificatePassword (Secure $other.pfxPassword) }
    CertificateWrongPassword  = { Invoke-PbiPreflight @common -ClientId $app -CertificatePath $crawler.pfxPath `
        -CertificatePassword (Secure $given.WrongPfxPassword) }
    UserPassword              = { Invoke-PbiPreflight @common -ClientId $given.PublicClientId -UserCredential $user }
    UserWrongPassword         = { Invoke-PbiPreflight @common -ClientId $given.PublicClientId -UserCredential $wrongUser }
    FederatedToken            = { Invoke-PbiPreflight @common -ClientId $app `
        -FederatedToken (Secure $given.FederatedToken) }
    FederatedTokenRejected    = { Invoke-PbiPreflight @common -ClientId $app `
        -FederatedToken (Secure $given.RejectedFederatedToken) }
    FederatedTokenExpired     = { Invoke-PbiPreflight @common -ClientId $app `
        -FederatedToken (Secure $given.ExpiredFederatedToken) }
    FederatedTokenFile        = { Invoke-PbiPreflight @common -ClientId $app `
        -FederatedTokenFile $Emulator.federatedTokenPath }
    FederatedTokenFileExpired = { Invoke-PbiPreflight @common -ClientId $app -FederatedTokenFile $expiredTokenFile }
    AccessToken               = { Invoke-PbiPreflight @common -AccessToken (Secure $given.AccessToken) }
    AccessTokenExpired        = { Invoke-PbiPreflight @common -AccessToken (Secure $given.ExpiredAccessToken) }
    AccessTokenOpaque         = { Invoke-PbiPreflight @common -AccessToken (Secure "Bearer $($given.OpaqueAccessToken)") }
}

# Every run shows every stream and writes one error per failed check.
$PSDefaultParameterValues['Invoke-PbiPreflight:Verbose'] = $true
$PSDefaultParameterValues['Invoke-PbiPreflight:Debug'] = $true
$PSDefaultParameterValues['Invoke-PbiPreflight:FailOnError'] = $true
$DebugPreference = 'Continue'
$InformationPreference = 'Continue'
$work = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString())
New-Item -ItemType Directory -Path $work | Out-Null
$Error.Clear()
Start-Transcript -Path (Join-Path $work 'transcript.txt') | Out-Null
$all = [System.Collections.Generic.List[object]]::new()
$outcomes = foreach ($label in $runs.Keys) {
    $errorsBefore = $Error.Count
    $results = @(& $runs[$label])
    $results | Format-List * -Force | Out-Host
    $all.AddRange($results)
    $newErrors = @($Error | Select-Object -First ($Error.Count - $errorsBefore))
    [pscustomobject]@{
        Label       = $label
        Credential  = @($results | Where-Object Check -eq CredentialScope | ForEach-Object Reason)
        Status      = @($results | Where-Object Check -eq CredentialScope | ForEach-Object { $_.Status.ToString() })
        Kinds       = @($results | ForEach-Object { $_.Details['CredentialKind'] } | Where-Object { $_ } |
            Sort-Object -Unique)
        ErrorIds    = @($newErrors | ForEach-Object FullyQualifiedErrorId)
    }
}
Stop-Transcript | Out-Null

$all | Export-Clixml -Path (Join-Path $work 'results.xml') -Depth 10
$reports = foreach ($format in 'Html', 'Markdown', 'JUnit', 'Json') {
    $path = Join-Path $work "report.$format"
    $all | Export-PbiPreflightReport -Path $path -Format $format
    Get-Content -Raw $path
}

$errorText = foreach ($record in $Error) {
    $record | Format-List * -Force | Out-String -Width 500
    for ($exception = $record.Exception; $exception; $exception = $exception.InnerException) {
        $exception | Format-List * -Force | Out-String -Width 500
    }
}

[pscustomobject]@{
    Outcomes   = @($outcomes)
    Json       = $all | ConvertTo-Json -Depth 10
    Clixml     = Get-Content -Raw (Join-Path $work 'results.xml')
    Transcript = Get-Content -Raw (Join-Path $work 'transcript.txt')
    Reports    = $reports -join "`n"
    Errors     = $errorText -join "`n"
    Strings    = ($all | ForEach-Object { $_.ToString() }) -join "`n"
}
Remove-Item -Recurse -Force $work, $expiredTokenFile
'@
        $run = Invoke-PbiChild -Emulator $emulator -Script $probe -WithoutSecret -AllReadyFields `
            -Environment @{ PBI_TEST_GIVEN = $given | ConvertTo-Json -Compress }
        $outputs = @($run.Objects)[0]
        $everything = @($run.Text, $run.Console, $outputs.Json, $outputs.Clixml, $outputs.Transcript, $outputs.Reports,
            $outputs.Errors, $outputs.Strings) -join "`n"
    }

    AfterAll {
        $emulator | Stop-PbiEmulator
    }

    It '<Label> signs in as <Kind> and reaches <Reason>' -ForEach @(
        @{ Label = 'CertificateFile'; Kind = 'Certificate'; Status = 'Passed'; Reason = 'TokenAcquired' }
        @{ Label = 'CertificateUnregistered'; Kind = 'Certificate'; Status = 'Failed'
            Reason = 'CertificateNotRegistered' }
        @{ Label = 'UserPassword'; Kind = 'UserPassword'; Status = 'Passed'; Reason = 'UserTokenAcquired' }
        @{ Label = 'UserWrongPassword'; Kind = 'UserPassword'; Status = 'Failed'; Reason = 'UserCredentialsInvalid' }
        @{ Label = 'FederatedToken'; Kind = 'FederatedToken'; Status = 'Passed'; Reason = 'TokenAcquired' }
        @{ Label = 'FederatedTokenRejected'; Kind = 'FederatedToken'; Status = 'Failed'
            Reason = 'FederatedCredentialMismatch' }
        @{ Label = 'FederatedTokenExpired'; Kind = 'FederatedToken'; Status = 'Failed'
            Reason = 'ClientAssertionExpired' }
        @{ Label = 'FederatedTokenFile'; Kind = 'FederatedToken'; Status = 'Passed'; Reason = 'TokenAcquired' }
        @{ Label = 'FederatedTokenFileExpired'; Kind = 'FederatedToken'; Status = 'Failed'
            Reason = 'ClientAssertionExpired' }
        @{ Label = 'AccessToken'; Kind = 'AccessToken'; Status = 'Warning'; Reason = 'AccessTokenExpiresSoon' }
        @{ Label = 'AccessTokenExpired'; Kind = 'AccessToken'; Status = 'Failed'; Reason = 'AccessTokenExpired' }
        @{ Label = 'AccessTokenOpaque'; Kind = 'AccessToken'; Status = 'Warning'; Reason = 'AccessTokenOpaque' }
    ) {
        $outcome = $outputs.Outcomes | Where-Object Label -eq $Label
        $outcome.Kinds | Should -Be $Kind
        $outcome.Credential | Should -Be $Reason
        $outcome.Status | Should -Be $Status
        if ($Status -eq 'Failed') {
            # -FailOnError turned the failed credential check into an error record, whose text is searched below.
            $outcome.ErrorIds | Should -Contain "$Reason,PbiPreflight.Commands.InvokePbiPreflightCommand"
        }
    }

    It 'sends an opaque token to Power BI, which refuses it: the token went through the error paths' {
        $outcome = $outputs.Outcomes | Where-Object Label -eq 'AccessTokenOpaque'
        $outcome.ErrorIds | Should -Contain 'PublicApiNotAuthorized,PbiPreflight.Commands.InvokePbiPreflightCommand'
    }

    It 'refuses a wrong PFX password before any call, naming the parameter, not the password' {
        $outcome = $outputs.Outcomes | Where-Object Label -eq 'CertificateWrongPassword'
        $outcome.Credential | Should -BeNullOrEmpty
        $outcome.ErrorIds | Should -Be 'CertificatePasswordIncorrect,PbiPreflight.Commands.InvokePbiPreflightCommand'
    }

    It 'recorded every stream' {
        $outputs.Json | Should -Not -BeNullOrEmpty
        $outputs.Reports | Should -BeLike '*CredentialScope*'
        $outputs.Transcript | Should -BeLike '*CredentialScope*'
        $run.Text | Should -BeLike '*Requesting a token*' -Because 'the verbose stream was captured'
        $run.Text | Should -BeLike '*MSAL:*' -Because 'the debug stream was captured'
        $outputs.Errors | Should -BeLike '*ClientAssertionExpired*' -Because '$Error holds the failed checks'
        $everything | Should -BeLike "*$($emulator.userName)*" -Because 'the user sign-in is in the text searched'
    }

    It 'shows no password: <Name>' -ForEach @(
        @{ Name = 'the PFX password'; Value = { $emulator.certificates.crawler.pfxPassword } }
        @{ Name = 'the unregistered PFX password'; Value = { $emulator.certificates.other.pfxPassword } }
        @{ Name = 'a wrong PFX password'; Value = { $given.WrongPfxPassword } }
        @{ Name = 'the user password'; Value = { $emulator.password } }
        @{ Name = 'a wrong user password'; Value = { $given.WrongUserPassword } }
        @{ Name = 'the client secret'; Value = { $emulator.clientSecret } }
    ) {
        $secret = & $Value
        $secret.Length | Should -BeGreaterThan 8
        $everything | Should -Not -BeLike "*$([WildcardPattern]::Escape($secret))*"
        $everything | Should -Not -BeLike "*$([WildcardPattern]::Escape([uri]::EscapeDataString($secret)))*"
    }

    It 'shows no token, nor any part of one: <Name>' -ForEach @(
        @{ Name = 'the federated token'; Value = { $given.FederatedToken } }
        @{ Name = 'a rejected federated token'; Value = { $given.RejectedFederatedToken } }
        @{ Name = 'an expired federated token'; Value = { $given.ExpiredFederatedToken } }
        @{ Name = 'the federated token file'; Value = { (Get-Content -Raw $emulator.federatedTokenPath).Trim() } }
        @{ Name = 'the given access token'; Value = { $given.AccessToken } }
        @{ Name = 'an expired access token'; Value = { $given.ExpiredAccessToken } }
    ) {
        $token = & $Value
        $parts = $token.Split('.')
        $parts.Count | Should -Be 3
        $everything | Should -Not -BeLike "*$($parts[1])*"
        $everything | Should -Not -BeLike "*$($parts[2])*"
    }

    It 'shows no opaque access token' {
        $everything | Should -Not -BeLike "*$($given.OpaqueAccessToken)*"
    }

    It 'shows no JWT and no private key' {
        $everything | Should -Not -Match 'eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.'
        $everything | Should -Not -BeLike '*PRIVATE KEY*'
    }
}
