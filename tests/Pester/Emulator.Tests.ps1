# The emulator's own sign-in model, driven on the wire without the module: many tenants, certificate assertions,
# users (ROPC and realm discovery), device code, managed identity and federation. Each case asserts the status,
# the AADSTS code and, for tokens, the claims the services authorize from.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    $script:PowerBi = 'https://analysis.windows.net/powerbi/api'

    function ConvertFrom-Jwt([string] $Token) {
        $part = $Token.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $part += '=' * ((4 - $part.Length % 4) % 4)
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part)) | ConvertFrom-Json
    }

    function Get-TokenEndpoint($Emulator, [string] $Tenant = $Emulator.tenantId) {
        "$($Emulator.url)/$Tenant/oauth2/v2.0/token"
    }

    function New-Assertion {
        # A client assertion as MSAL builds it: nbf/exp as strings, PS256 with x5t#S256 or RS256 with x5t.
        param($Certificate, [string] $ClientId, [string] $Audience, [string] $Algorithm = 'PS256',
            [int] $LifetimeSeconds = 600, [switch] $SendChain, $SigningCertificate)

        $signer = if ($SigningCertificate) { $SigningCertificate } else { $Certificate }
        $header = [ordered]@{ alg = $Algorithm; typ = 'JWT' }
        if ($Algorithm -eq 'PS256') {
            $header['x5t#S256'] = ConvertTo-Base64Url $Certificate.GetCertHash([Security.Cryptography.HashAlgorithmName]::SHA256)
        }
        else {
            $header['x5t'] = ConvertTo-Base64Url $Certificate.GetCertHash()
        }

        if ($SendChain) { $header['x5c'] = @([Convert]::ToBase64String($Certificate.RawData)) }
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $payload = [ordered]@{ aud = $Audience; iss = $ClientId; sub = $ClientId; jti = [guid]::NewGuid().ToString()
            nbf = "$($now - 5)"; exp = "$($now + $LifetimeSeconds)" }
        $signingInput = (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($header | ConvertTo-Json -Compress)))) + '.' +
            (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($payload | ConvertTo-Json -Compress))))
        $padding = if ($Algorithm -eq 'PS256') { [Security.Cryptography.RSASignaturePadding]::Pss }
            else { [Security.Cryptography.RSASignaturePadding]::Pkcs1 }
        $key = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($signer)
        $signature = $key.SignData([Text.Encoding]::ASCII.GetBytes($signingInput),
            [Security.Cryptography.HashAlgorithmName]::SHA256, $padding)
        return $signingInput + '.' + (ConvertTo-Base64Url $signature)
    }

    function Get-Pfx($Emulator, [string] $Name) {
        $entry = $Emulator.certificates.$Name
        [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($entry.pfxPath, $entry.pfxPassword)
    }

    function Invoke-Form([string] $Uri, [hashtable] $Form) {
        $response = Invoke-WebRequest -Uri $Uri -Method Post -Body $Form -SkipHttpErrorCheck `
            -ContentType 'application/x-www-form-urlencoded'
        [pscustomobject]@{ Status = [int]$response.StatusCode; Body = $response.Content | ConvertFrom-Json }
    }

    function Invoke-Api([string] $Uri, [string] $Token, [hashtable] $Headers = @{}) {
        if ($Token) { $Headers['Authorization'] = "Bearer $Token" }
        $response = Invoke-WebRequest -Uri $Uri -Headers $Headers -SkipHttpErrorCheck
        $body = if ($response.Content) { $response.Content | ConvertFrom-Json } else { $null }
        [pscustomobject]@{ Status = [int]$response.StatusCode; Body = $body }
    }

    function Get-AssertionToken($Emulator, [string] $Assertion, [string] $Scope = "$PowerBi/.default") {
        Invoke-Form (Get-TokenEndpoint $Emulator) @{ client_id = $Emulator.clientId; grant_type = 'client_credentials'
            scope = $Scope; client_assertion = $Assertion
            client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
    }

    function Get-UserToken($Emulator, [string] $Password = $Emulator.password, [string] $Scope = "$PowerBi/.default openid offline_access") {
        Invoke-Form (Get-TokenEndpoint $Emulator) @{ client_id = $Emulator.clientId; grant_type = 'password'
            username = $Emulator.userName; password = $Password; scope = $Scope }
    }

    function Use-Emulator([string] $Scenario, [scriptblock] $Test, [string[]] $ExtraArguments = @()) {
        $emulator = Start-PbiEmulator -Scenario $Scenario -ExtraArguments $ExtraArguments
        try { & $Test $emulator } finally { $emulator | Stop-PbiEmulator }
    }
}

Describe 'Many tenants' {
    It 'serves independent copies, each answering from its own model, and logs tenant and times' {
        Use-Emulator 'healthy' -ExtraArguments '--tenants', '4' {
            param($emulator)
            $emulator.tenants.Count | Should -Be 4
            $emulator.tenants[0].tenantId | Should -Be $emulator.tenantId
            @($emulator.tenants.tenantId | Select-Object -Unique).Count | Should -Be 4

            foreach ($tenant in $emulator.tenants) {
                $token = Invoke-Form "$($emulator.url)/$($tenant.tenantId)/oauth2/v2.0/token" @{
                    client_id = $tenant.clientId; client_secret = $tenant.clientSecret
                    grant_type = 'client_credentials'; scope = "$PowerBi/.default" }
                $token.Status | Should -Be 200
                (ConvertFrom-Jwt $token.Body.access_token).tid | Should -Be $tenant.tenantId
                (Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $token.Body.access_token).Body.'@odata.count' |
                    Should -Be 7
            }

            # A client id of tenant 1 is unknown in tenant 2.
            $cross = Invoke-Form "$($emulator.url)/$($emulator.tenants[2].tenantId)/oauth2/v2.0/token" @{
                client_id = $emulator.tenants[1].clientId; client_secret = $emulator.tenants[1].clientSecret
                grant_type = 'client_credentials'; scope = "$PowerBi/.default" }
            $cross.Body.error_codes | Should -Be @(700016)

            $log = @(Get-PbiEmulatorRequest -Emulator $emulator)
            @($log.tenantId | Where-Object { $_ } | Select-Object -Unique).Count | Should -Be 4
            foreach ($entry in $log) { $entry.finishedUnixMs | Should -BeGreaterOrEqual $entry.arrivedUnixMs }
        }
    }
}

Describe 'Certificate assertions' {
    It 'accepts PS256 with x5t#S256 and RS256 with x5t signed by the registered certificate' {
        Use-Emulator 'certificate-healthy' {
            param($emulator)
            $certificate = Get-Pfx $emulator 'crawler'
            foreach ($algorithm in 'PS256', 'RS256') {
                $assertion = New-Assertion $certificate $emulator.clientId (Get-TokenEndpoint $emulator) -Algorithm $algorithm
                $token = Get-AssertionToken $emulator $assertion
                $token.Status | Should -Be 200
                (ConvertFrom-Jwt $token.Body.access_token).appidacr | Should -Be '2'
            }

            $log = @(Get-PbiEmulatorRequest -Emulator $emulator)
            ($log | ConvertTo-Json -Depth 4) | Should -Not -Match 'eyJ'
        }
    }

    It 'refuses <Case> with <Code>' -ForEach @(
        @{ Case = 'a wrong audience'; Code = 50012; Status = 401 }
        @{ Case = 'an expired assertion'; Code = 700024; Status = 401 }
        @{ Case = 'an unregistered certificate'; Code = 700027; Status = 401 }
        @{ Case = 'a signature by another key'; Code = 700027; Status = 401 }
        @{ Case = 'a malformed assertion'; Code = 50027; Status = 400 }
    ) {
        Use-Emulator 'certificate-healthy' {
            param($emulator)
            $crawler = Get-Pfx $emulator 'crawler'
            $other = Get-Pfx $emulator 'other'
            $endpoint = Get-TokenEndpoint $emulator
            $assertion = switch ($Case) {
                'a wrong audience' { New-Assertion $crawler $emulator.clientId 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }
                'an expired assertion' { New-Assertion $crawler $emulator.clientId $endpoint -LifetimeSeconds -60 }
                'an unregistered certificate' { New-Assertion $other $emulator.clientId $endpoint }
                'a signature by another key' { New-Assertion $crawler $emulator.clientId $endpoint -SigningCertificate $other }
                'a malformed assertion' { 'not.a-jwt' }
            }

            $token = Get-AssertionToken $emulator $assertion
            $token.Status | Should -Be $Status
            $token.Body.error_codes | Should -Contain $Code
        }
    }

    It 'refuses a registered certificate that has expired' {
        Use-Emulator 'certificate-expired' {
            param($emulator)
            $emulator.certificates.'crawler-expired'.registered | Should -BeTrue
            [DateTime]$emulator.certificates.'crawler-expired'.notAfter | Should -BeLessThan ([DateTime]::UtcNow)
            $assertion = New-Assertion (Get-Pfx $emulator 'crawler-expired') $emulator.clientId (Get-TokenEndpoint $emulator)
            $token = Get-AssertionToken $emulator $assertion
            $token.Status | Should -Be 401
            $token.Body.error_codes | Should -Be @(700027)
            $token.Body.error_description | Should -Match 'expired'
        }
    }

    It 'accepts an x5c certificate by subject and issuer, and refuses it without x5c' {
        Use-Emulator 'certificate-subject-name' {
            param($emulator)
            $crawler = Get-Pfx $emulator 'crawler'
            $endpoint = Get-TokenEndpoint $emulator
            (Get-AssertionToken $emulator (New-Assertion $crawler $emulator.clientId $endpoint -SendChain)).Status |
                Should -Be 200
            (Get-AssertionToken $emulator (New-Assertion $crawler $emulator.clientId $endpoint)).Body.error_codes |
                Should -Be @(700027)
        }
    }

    It 'writes a PEM with certificate and key, and a certificate-only PEM' {
        Use-Emulator 'certificate-healthy' {
            param($emulator)
            $entry = $emulator.certificates.crawler
            $pem = Get-Content -Raw $entry.pemPath
            $pem | Should -Match 'BEGIN CERTIFICATE'
            $pem | Should -Match 'BEGIN PRIVATE KEY'
            Get-Content -Raw $entry.certificatePath | Should -Not -Match 'PRIVATE KEY'
            $loaded = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($entry.pemPath)
            $loaded.Thumbprint | Should -Be $entry.thumbprint
            $loaded.HasPrivateKey | Should -BeTrue
        }
    }
}

Describe 'Users (ROPC)' {
    It 'discovers the realm and issues a delegated token the admin APIs accept' {
        Use-Emulator 'user-healthy' {
            param($emulator)
            (Invoke-Api "$($emulator.url)/common/userrealm/$($emulator.userName)?api-version=1.0").Body.account_type |
                Should -Be 'Managed'
            $token = Get-UserToken $emulator
            $token.Status | Should -Be 200
            $claims = ConvertFrom-Jwt $token.Body.access_token
            $claims.idtyp | Should -Be 'user'
            $claims.upn | Should -Be $emulator.userName
            $claims.scp | Should -Match 'Tenant.Read.All'
            $claims.appidacr | Should -Be '0'
            $claims.wids | Should -Contain 'a9ea8996-122f-4c74-9520-8edcd192826c'
            $token.Body.refresh_token | Should -Not -BeNullOrEmpty
            (Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $token.Body.access_token).Status | Should -Be 200
            (Invoke-Api "$($emulator.url)/v1/admin/tenantsettings" $token.Body.access_token).Status | Should -Be 200
        }
    }

    It '<Scenario> gives <Status> <Code>' -ForEach @(
        @{ Scenario = 'user-wrong-password'; Status = 400; Code = 50126; SubError = $null }
        @{ Scenario = 'user-mfa-required'; Status = 400; Code = 50076; SubError = 'basic_action' }
        @{ Scenario = 'user-federated'; Status = 400; Code = 50126; SubError = $null }
        @{ Scenario = 'user-disabled'; Status = 400; Code = 50057; SubError = $null }
        @{ Scenario = 'user-locked-out'; Status = 400; Code = 50053; SubError = $null }
        @{ Scenario = 'user-no-consent'; Status = 400; Code = 65001; SubError = 'consent_required' }
        @{ Scenario = 'app-no-public-client'; Status = 401; Code = 7000218; SubError = $null }
    ) {
        Use-Emulator $Scenario {
            param($emulator)
            $token = Get-UserToken $emulator
            $token.Status | Should -Be $Status
            $token.Body.error_codes | Should -Be @($Code)
            if ($SubError) { $token.Body.suberror | Should -Be $SubError }
        }
    }

    It 'says Federated in realm discovery for a federated user' {
        Use-Emulator 'user-federated' {
            param($emulator)
            $realm = (Invoke-Api "$($emulator.url)/common/userrealm/$($emulator.userName)?api-version=1.0").Body
            $realm.account_type | Should -Be 'Federated'
            $realm.federation_protocol | Should -Be 'WSTrust'
        }
    }

    It 'refuses the admin APIs to a user who is not a Fabric administrator' {
        Use-Emulator 'user-not-fabric-admin' {
            param($emulator)
            $token = (Get-UserToken $emulator -Scope "$PowerBi/Tenant.Read.All $PowerBi/Workspace.Read.All").Body.access_token
            (Invoke-Api "$($emulator.url)/v1.0/myorg/groups" $token).Body.'@odata.count' | Should -Be 1
            $admin = Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $token
            $admin.Status | Should -Be 401
            $admin.Body.error.code | Should -Be 'PowerBINotAuthorizedException'
            $fabric = Invoke-Api "$($emulator.url)/v1/admin/tenantsettings" $token
            $fabric.Status | Should -Be 403
            $fabric.Body.errorCode | Should -Be 'Forbidden'
        }
    }
}

Describe 'Device code' {
    It 'is pending until the configured delay has passed, then issues a user token once' {
        Use-Emulator 'device-code-healthy' {
            param($emulator)
            $code = Invoke-Form "$($emulator.url)/$($emulator.tenantId)/oauth2/v2.0/devicecode" @{
                client_id = $emulator.clientId; scope = "$PowerBi/.default offline_access" }
            $code.Status | Should -Be 200
            $code.Body.verification_uri | Should -Be 'https://microsoft.com/devicelogin'
            $code.Body.message | Should -Match $code.Body.user_code
            $poll = @{ client_id = $emulator.clientId; grant_type = 'device_code'; device_code = $code.Body.device_code }

            $first = Invoke-Form (Get-TokenEndpoint $emulator) $poll
            $first.Status | Should -Be 400
            $first.Body.error | Should -Be 'authorization_pending'
            $first.Body.error_codes | Should -Be @(70016)

            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do {
                Start-Sleep -Seconds $code.Body.interval
                $answer = Invoke-Form (Get-TokenEndpoint $emulator) $poll
            } while ($answer.Body.error -eq 'authorization_pending' -and [DateTime]::UtcNow -lt $deadline)

            $answer.Status | Should -Be 200
            (ConvertFrom-Jwt $answer.Body.access_token).upn | Should -Be $emulator.userName
            (Invoke-Form (Get-TokenEndpoint $emulator) $poll).Body.error | Should -Be 'bad_verification_code'

            # The device code never reaches the request log (it travels in the body).
            (Get-PbiEmulatorRequest -Emulator $emulator | ConvertTo-Json) | Should -Not -Match $code.Body.device_code
        }
    }

    It '<Scenario> ends with <Error>' -ForEach @(
        @{ Scenario = 'device-code-declined'; Error = 'authorization_declined' }
        @{ Scenario = 'device-code-expired'; Error = 'expired_token' }
    ) {
        Use-Emulator $Scenario {
            param($emulator)
            $code = Invoke-Form "$($emulator.url)/$($emulator.tenantId)/oauth2/v2.0/devicecode" @{
                client_id = $emulator.clientId; scope = "$PowerBi/.default" }
            $poll = @{ client_id = $emulator.clientId; device_code = $code.Body.device_code
                grant_type = 'urn:ietf:params:oauth:grant-type:device_code' }
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            do {
                Start-Sleep -Seconds 1
                $answer = Invoke-Form (Get-TokenEndpoint $emulator) $poll
            } while ($answer.Body.error -eq 'authorization_pending' -and [DateTime]::UtcNow -lt $deadline)
            $answer.Status | Should -Be 400
            $answer.Body.error | Should -Be $Error
        }
    }

    It 'fails the first poll of an app without public client flows with 7000218' {
        Use-Emulator 'app-no-public-client' {
            param($emulator)
            $code = Invoke-Form "$($emulator.url)/$($emulator.tenantId)/oauth2/v2.0/devicecode" @{
                client_id = $emulator.clientId; scope = "$PowerBi/.default" }
            $answer = Invoke-Form (Get-TokenEndpoint $emulator) @{ client_id = $emulator.clientId
                grant_type = 'device_code'; device_code = $code.Body.device_code }
            $answer.Status | Should -Be 401
            $answer.Body.error_codes | Should -Be @(7000218)
        }
    }
}

Describe 'Managed identity' {
    It 'answers system- and user-assigned identities over plain http with the identity header' {
        Use-Emulator 'managed-identity-healthy' {
            param($emulator)
            $emulator.identityEndpoint | Should -Match '^http://127\.0\.0\.1:\d+/msi/token$'
            $headers = @{ 'X-IDENTITY-HEADER' = $emulator.identityHeader }
            $system = Invoke-Api "$($emulator.identityEndpoint)?api-version=2019-08-01&resource=$PowerBi" -Headers $headers
            $system.Status | Should -Be 200
            $system.Body.expires_on | Should -BeOfType [string]
            $claims = ConvertFrom-Jwt $system.Body.access_token
            $claims.appid | Should -Be 'a9000000-0000-4000-8000-0000000000b1'
            (Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $system.Body.access_token).Status | Should -Be 200

            $user = Invoke-Api ("$($emulator.identityEndpoint)?api-version=2019-08-01&resource=$PowerBi" +
                '&client_id=a9000000-0000-4000-8000-0000000000b2') -Headers @{ 'X-IDENTITY-HEADER' = $emulator.identityHeader }
            (ConvertFrom-Jwt $user.Body.access_token).xms_mirid | Should -Match 'userAssignedIdentities/id-pbi-crawler'

            (Invoke-Api "$($emulator.identityEndpoint)?api-version=2019-08-01&resource=$PowerBi").Status | Should -Be 401
            (Invoke-Api "$($emulator.url)/msi/token?api-version=2019-08-01&resource=$PowerBi" -Headers @{
                'X-IDENTITY-HEADER' = $emulator.identityHeader }).Status | Should -Be 404
        }
    }

    It 'refuses an identity the resource does not have' {
        Use-Emulator 'managed-identity-unknown' {
            param($emulator)
            $answer = Invoke-Api "$($emulator.identityEndpoint)?api-version=2019-08-01&resource=$PowerBi" -Headers @{
                'X-IDENTITY-HEADER' = $emulator.identityHeader }
            $answer.Status | Should -Be 400
            $answer.Body.message | Should -Match 'No User Assigned or Delegated Managed Identity found'
        }
    }
}

Describe 'Workload identity federation' {
    It 'exchanges the GitHub Actions token and the token file for access tokens' {
        Use-Emulator 'federated-healthy' {
            param($emulator)
            $github = Invoke-Api "$($emulator.actionsIdTokenRequestUrl)&audience=api://AzureADTokenExchange" `
                $emulator.actionsIdTokenRequestToken
            (ConvertFrom-Jwt $github.Body.value).iss | Should -Be 'https://token.actions.githubusercontent.com'
            (Get-AssertionToken $emulator $github.Body.value).Status | Should -Be 200
            (Get-AssertionToken $emulator (Get-Content -Raw $emulator.federatedTokenPath)).Status | Should -Be 200
            (Invoke-Api $emulator.actionsIdTokenRequestUrl 'wrong').Status | Should -Be 401
        }
    }

    It '<Scenario> gives <Code>' -ForEach @(
        @{ Scenario = 'federated-no-match'; Code = 700213 }
        @{ Scenario = 'federated-expired'; Code = 700024 }
    ) {
        Use-Emulator $Scenario {
            param($emulator)
            $answer = Get-AssertionToken $emulator (Get-Content -Raw $emulator.federatedTokenPath)
            $answer.Status | Should -Be 401
            $answer.Body.error_codes | Should -Be @($Code)
        }
    }
}

Describe 'Claims the services authorize from' {
    It 'rejects an app-only token whose roles carry Tenant.Read.All at the admin APIs' {
        Use-Emulator 'app-token-with-admin-roles' {
            param($emulator)
            $token = Invoke-Form (Get-TokenEndpoint $emulator) @{ client_id = $emulator.clientId
                client_secret = $emulator.clientSecret; grant_type = 'client_credentials'; scope = "$PowerBi/.default" }
            (ConvertFrom-Jwt $token.Body.access_token).roles | Should -Be @('Tenant.Read.All')
            (Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $token.Body.access_token).Status | Should -Be 401
        }
    }

    It 'issues v2 tokens that Power BI accepts' {
        Use-Emulator 'token-v2' {
            param($emulator)
            $token = Invoke-Form (Get-TokenEndpoint $emulator) @{ client_id = $emulator.clientId
                client_secret = $emulator.clientSecret; grant_type = 'client_credentials'; scope = "$PowerBi/.default" }
            $claims = ConvertFrom-Jwt $token.Body.access_token
            $claims.ver | Should -Be '2.0'
            $claims.aud | Should -Be '00000009-0000-0000-c000-000000000000'
            $claims.azp | Should -Be $emulator.clientId
            (Invoke-Api "$($emulator.url)/v1.0/myorg/admin/groups?`$top=10" $token.Body.access_token).Status | Should -Be 200
        }
    }
}
