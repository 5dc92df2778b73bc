# Every kind of sign-in, end to end: the built module in a child PowerShell against the emulator, one case per way a
# credential is given or fails. Each case asserts the CredentialScope result (status, reason, AADSTS or MSAL code, or
# none), the expiry sub-check where the kind has one, and what the emulator saw: the token requests' grant and client
# authentication (from its request log, which names them but never keeps a value), the other calls made, or none at
# all for a parameter error.
#
# Emulator starts cost seconds each (the sign-in scenarios make four RSA keys), so one emulator serves most cases: the
# shipped sign-in scenario plus an app or user for each failure that another shipped scenario models on its own
# (expired-secret, certificate-expired, certificate-expiring, certificate-subject-name, app-no-public-client,
# user-federated, user-disabled, user-mfa-required, federated-no-match). federated-expired's token comes from the
# emulator's federation endpoint with a negative lifetime, managed-identity-unknown's refusal from a client id no
# identity has. Device code outcomes are one per emulator, so device-code-declined and device-code-expired run as
# shipped. Each emulator's cases run in one child, in order; the child clears the request log before each case and
# reads it after, so every case sees only its own requests.

BeforeDiscovery {
    # The apps of the sign-in scenario and those the test adds to it, one per failure (see New-SignInScenario).
    $script:Apps = [ordered]@{
        Scanner              = 'a9000000-0000-4000-8000-000000000001'
        PublicClient         = 'a9000000-0000-4000-8000-0000000000a1'
        SystemIdentity       = 'a9000000-0000-4000-8000-0000000000b1'
        UserIdentity         = 'a9000000-0000-4000-8000-0000000000b2'
        UnknownIdentity      = 'a9000000-0000-4000-8000-0000000000bf'
        ExpiredSecret        = 'a9000000-0000-4000-8000-0000000000c1'
        RotatingCertificates = 'a9000000-0000-4000-8000-0000000000c2'
        SubjectName          = 'a9000000-0000-4000-8000-0000000000c3'
        ConfidentialUser     = 'a9000000-0000-4000-8000-0000000000c4'
        OtherSubjects        = 'a9000000-0000-4000-8000-0000000000c5'
    }
    $tenant = '7e000000-0000-4000-8000-000000000001'

    # Name, Script and what must come of it. The script runs in the child, where $Target holds the tenant and the
    # endpoints, $App adds the scanner app's client id, $Connection its secret too, $Apps the ids above, $Emulator
    # the whole ready line and $Certificates its certificates; Protect makes a SecureString, Pfx a splat of a PFX
    # and its password, Pem a PEM file's path, Jane the ready line's user and User another user of the scenario.
    # - Status, Reason, ErrorCode, HttpStatus: CredentialScope's; no ErrorCode means none, one starting with ^ is a
    #   pattern;
    # - Expiry: CredentialScope.Expiry's status and reason; Thumbprint: the certificate it names; Details: values of
    #   CredentialScope's Details;
    # - Tokens: a pattern over the token requests the emulator answered, each 'grant authentication status', joined
    #   by '; '; Saw: patterns that some request ('METHOD path status') must match; NoRequests: none at all;
    # - Warning: a pattern the warnings must match (without it there must be none);
    # - Error: a parameter error's id, which must come alone and before any request.
    # Discovery of every test file shares one script scope, so the table's name is this file's own.
    $script:SignInCases = @(
        # Client secret.
        @{ Kind = 'ClientSecret'; Name = 'a valid secret'
            Script = 'Test-PbiCredentialScope @Connection'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'SecretValid'
            Details = @{ CredentialKind = 'ClientSecret'; AppId = $Apps.Scanner }
            Tokens = '^client_credentials secret 200; client_credentials secret 200$'
            Saw = , "^GET /v1\.0/applications\(appId='$($Apps.Scanner)'\)\?.* 200$" }
        @{ Kind = 'ClientSecret'; Name = 'the secret''s id instead of its value (invalid-secret)'
            Script = 'Test-PbiCredentialScope @App -ClientSecret (Protect "5ec00000-0000-4000-8000-000000000001")'
            Status = 'Failed'; Reason = 'InvalidClientSecret'; ErrorCode = 'AADSTS7000215'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'
            # The secret is tried for the Power BI and the Graph token at once, so it is refused twice.
            Tokens = '^client_credentials secret 401; client_credentials secret 401$' }
        @{ Kind = 'ClientSecret'; Name = 'an expired secret (expired-secret)'
            Script = '$secret = Protect $env:PBI_TEST_EXPIRED_SECRET
                Test-PbiCredentialScope @Target -ClientId $Apps.ExpiredSecret -ClientSecret $secret'
            Status = 'Failed'; Reason = 'ClientSecretExpired'; ErrorCode = 'AADSTS7000222'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'
            # The secret is tried for the Power BI and the Graph token at once, so it is refused twice.
            Tokens = '^client_credentials secret 401; client_credentials secret 401$' }

        # Certificate.
        @{ Kind = 'Certificate'; Name = 'a PFX file with its password'
            Script = '$pfx = Pfx crawler; Test-PbiCredentialScope @App @pfx'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'crawler'
            Details = @{ CredentialKind = 'Certificate'; AppId = $Apps.Scanner }
            Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a PEM file with the certificate and its key'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (Pem crawler)'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'crawler'
            Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a PEM file with an encrypted key and its password'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (EncryptedPem crawler) `
                -CertificatePassword (Protect $Certificates.crawler.pfxPassword)'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'crawler'
            Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a PEM file with an encrypted key, without its password'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (EncryptedPem crawler)'
            Error = 'CertificatePasswordIncorrect' }
        @{ Kind = 'Certificate'; Name = 'a PEM file with an encrypted key and a wrong password'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (EncryptedPem crawler) -CertificatePassword (Protect "wrong")'
            Error = 'CertificatePasswordIncorrect' }
        @{ Kind = 'Certificate'; Name = 'a PEM file with a plain key and a password it does not need'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (Pem crawler) -CertificatePassword (Protect "unneeded")'
            Status = 'Passed'; Reason = 'TokenAcquired'; Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'an X509Certificate2 object'
            Script = '$certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile(
                    $Certificates.crawler.pfxPath, $Certificates.crawler.pfxPassword)
                Test-PbiCredentialScope @App -Certificate $certificate'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'crawler'
            Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a thumbprint while the My store does not exist yet'
            Script = 'Test-PbiCredentialScope @App -CertificateThumbprint $Certificates.crawler.thumbprint'
            Error = 'CertificateNotFound' }
        @{ Kind = 'Certificate'; Name = 'a thumbprint found in the CurrentUser My store, typed with spaces'
            Script = '$flags = [Security.Cryptography.X509Certificates.X509KeyStorageFlags]"Exportable, PersistKeySet"
                $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile(
                    $Certificates.crawler.pfxPath, $Certificates.crawler.pfxPassword, $flags)
                $store = [Security.Cryptography.X509Certificates.X509Store]::new("My", "CurrentUser")
                $store.Open("ReadWrite"); $store.Add($certificate); $store.Close()
                $typed = ($Certificates.crawler.thumbprint.ToLowerInvariant() -split "(..)" -ne "") -join " "
                Test-PbiCredentialScope @App -CertificateThumbprint $typed'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'crawler'
            Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a thumbprint the My store does not hold'
            Script = 'Test-PbiCredentialScope @App -CertificateThumbprint $Certificates.other.thumbprint'
            Error = 'CertificateNotFound' }
        @{ Kind = 'Certificate'; Name = 'a thumbprint that is not one'
            Script = 'Test-PbiCredentialScope @App -CertificateThumbprint "crawler-certificate"'
            Error = 'InvalidCertificateThumbprint' }
        @{ Kind = 'Certificate'; Name = 'the chain sent (x5c) for subject name and issuer (certificate-subject-name)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.SubjectName -CertificatePath (Pem crawler) `
                -SendCertificateChain'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'CertificateValid'
            Details = @{ AppId = $Apps.SubjectName }; Tokens = '^client_credentials certificate-x5c 200$' }
        @{ Kind = 'Certificate'; Name = 'no chain sent to an app that trusts its subject (certificate-subject-name)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.SubjectName -CertificatePath (Pem crawler)'
            Status = 'Failed'; Reason = 'CertificateNotRegistered'; ErrorCode = 'AADSTS700027'; HttpStatus = 401
            Expiry = 'Passed', 'CertificateValid'; Tokens = '^client_credentials certificate 401$' }
        @{ Kind = 'Certificate'; Name = 'a certificate not registered on the app (certificate-unregistered)'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (Pem other)'
            Status = 'Failed'; Reason = 'CertificateNotRegistered'; ErrorCode = 'AADSTS700027'; HttpStatus = 401
            Expiry = 'Passed', 'CertificateValid'; Thumbprint = 'other'
            Tokens = '^client_credentials certificate 401$' }
        @{ Kind = 'Certificate'; Name = 'an expired certificate (certificate-expired)'
            Script = '$pfx = Pfx crawler-expired
                Test-PbiCredentialScope @Target -ClientId $Apps.RotatingCertificates @pfx'
            Status = 'Failed'; Reason = 'CertificateExpired'; ErrorCode = 'AADSTS700027'; HttpStatus = 401
            Expiry = 'Failed', 'CertificateExpired'; Thumbprint = 'crawler-expired'
            Tokens = '^client_credentials certificate 401$' }
        @{ Kind = 'Certificate'; Name = 'a certificate that ends in 10 days (certificate-expiring)'
            Script = '$pem = Pem crawler-expiring
                Test-PbiCredentialScope @Target -ClientId $Apps.RotatingCertificates -CertificatePath $pem'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Warning', 'CertificateExpiresSoon'
            Thumbprint = 'crawler-expiring'; Tokens = '^client_credentials certificate 200$' }
        @{ Kind = 'Certificate'; Name = 'a wrong PFX password'
            Script = '$pfx = Pfx crawler; $pfx.CertificatePassword = Protect "not-the-password"
                Test-PbiCredentialScope @App @pfx'
            Error = 'CertificatePasswordIncorrect' }
        @{ Kind = 'Certificate'; Name = 'a PFX file without its password'
            Script = 'Test-PbiCredentialScope @App -CertificatePath $Certificates.crawler.pfxPath'
            Error = 'CertificatePasswordIncorrect' }
        @{ Kind = 'Certificate'; Name = 'a file that is not a certificate'
            Script = 'Test-PbiCredentialScope @App -CertificatePath $env:PBI_TEST_NOT_A_CERTIFICATE'
            Error = 'CertificateFileNotCertificate' }
        @{ Kind = 'Certificate'; Name = 'a PEM file without a private key'
            Script = 'Test-PbiCredentialScope @App -CertificatePath $Certificates.crawler.certificatePath'
            Error = 'CertificateHasNoPrivateKey' }
        @{ Kind = 'Certificate'; Name = 'a certificate object without a private key'
            Script = '$pem = Get-Content -Raw $Certificates.crawler.certificatePath
                $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($pem)
                Test-PbiCredentialScope @App -Certificate $certificate'
            Error = 'CertificateHasNoPrivateKey' }
        @{ Kind = 'Certificate'; Name = 'a folder given as the certificate file'
            Script = 'Test-PbiCredentialScope @App -CertificatePath $Emulator.runDirectory'
            Error = 'CertificateFileUnreadable' }
        @{ Kind = 'Certificate'; Name = 'a certificate file that does not exist'
            Script = 'Test-PbiCredentialScope @App -CertificatePath (Join-Path $Emulator.runDirectory "missing.pfx")'
            Error = 'CertificateFileUnreadable' }

        # User name and password (ROPC): MSAL asks realm discovery first.
        @{ Kind = 'UserPassword'; Name = 'a managed user (user-healthy)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential (Jane)'
            Status = 'Passed'; Reason = 'UserTokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ CredentialKind = 'UserPassword'; IdentityType = 'user'
                UserPrincipalName = 'jane.doe@contoso.example' }
            Tokens = '^password none 200$'
            Saw = , '^GET /common/userrealm/jane\.doe@contoso\.example\?api-version=1\.0 200$' }
        @{ Kind = 'UserPassword'; Name = 'a wrong password (user-wrong-password)'
            Script = '$wrong = [pscredential]::new($Emulator.userName, (Protect "not-the-password"))
                Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential $wrong'
            Status = 'Failed'; Reason = 'UserCredentialsInvalid'; ErrorCode = 'AADSTS50126'; HttpStatus = 400
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^password none 400$' }
        @{ Kind = 'UserPassword'; Name = 'a federated account (user-federated)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential (User fed.user)'
            Status = 'Failed'; Reason = 'FederatedAccountNotSupported'; HttpStatus = 404
            ErrorCode = 'accessing_ws_metadata_exchange_failed'; Expiry = 'Skipped', 'CredentialScopeFailed'
            Tokens = '^$'
            Saw = '^GET /common/userrealm/fed\.user@contoso\.example\?api-version=1\.0 200$',
            '^GET /adfs/services/trust/mex 404$' }
        @{ Kind = 'UserPassword'; Name = 'a disabled account (user-disabled)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential (User disabled.user)'
            Status = 'Failed'; Reason = 'AccountDisabled'; ErrorCode = 'AADSTS50057'; HttpStatus = 400
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^password none 400$' }
        @{ Kind = 'UserPassword'; Name = 'a user who must pass MFA (user-mfa-required)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential (User mfa.user)'
            Status = 'Failed'; Reason = 'MfaRequired'; ErrorCode = 'AADSTS50076'; HttpStatus = 400
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^password none 400$' }
        @{ Kind = 'UserPassword'; Name = 'the user name pasted with spaces and a line break around it'
            Script = '$pasted = [pscredential]::new(" $($Emulator.userName)`n", (Protect $Emulator.password))
                Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential $pasted'
            Status = 'Passed'; Reason = 'UserTokenAcquired'; Tokens = '^password none 200$' }
        @{ Kind = 'UserPassword'; Name = 'a user name whose domain Entra ID does not know'
            Script = '$typo = [pscredential]::new("jane.doe@contosso.example", (Protect $Emulator.password))
                Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UserCredential $typo'
            Status = 'Failed'; Reason = 'UserDomainUnknown'; ErrorCode = 'unknown_user_type'
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^$' }
        @{ Kind = 'UserPassword'; Name = 'an app without public client flows (app-no-public-client)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.ConfidentialUser -UserCredential (Jane)'
            Status = 'Failed'; Reason = 'ClientCredentialMissing'; ErrorCode = 'AADSTS7000218'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^password none 401$' }

        # Device code, approved 2 s after it is handed out (device-code-healthy); declined and expired run below.
        @{ Kind = 'DeviceCode'; Name = 'a code approved at the browser (device-code-healthy)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.PublicClient -UseDeviceCode'
            Status = 'Passed'; Reason = 'UserTokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ CredentialKind = 'DeviceCode'; IdentityType = 'user'
                UserPrincipalName = 'jane.doe@contoso.example' }
            Warning = 'https://microsoft\.com/devicelogin.*\b[A-Z]{9}\b'
            Tokens = '^(device_code none 400; )+device_code none 200$'
            Saw = , "^POST /$tenant/oauth2/v2\.0/devicecode 200$" }
        @{ Kind = 'DeviceCode'; Name = 'a code for an app without public client flows (app-no-public-client)'
            Script = 'Test-PbiCredentialScope @Target -ClientId $Apps.ConfidentialUser -UseDeviceCode'
            Status = 'Failed'; Reason = 'ClientCredentialMissing'; ErrorCode = 'AADSTS7000218'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'; Warning = 'https://microsoft\.com/devicelogin'
            Tokens = '^device_code none 401$' }

        # Managed identity through the App Service endpoint (managed-identity-healthy, managed-identity-unknown).
        @{ Kind = 'ManagedIdentity'; Name = 'the system-assigned identity'
            Script = 'Use-IdentityEndpoint; Test-PbiCredentialScope @Target -Identity'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ CredentialKind = 'ManagedIdentity'; AppId = $Apps.SystemIdentity }; Tokens = '^$'
            Saw = , '^GET /msi/token\?api-version=2019-08-01&resource=https://analysis\.windows\.net/powerbi/api 200$' }
        @{ Kind = 'ManagedIdentity'; Name = 'a user-assigned identity named by -ClientId (alias -ManagedIdentity)'
            Script = 'Use-IdentityEndpoint
                Test-PbiCredentialScope @Target -ManagedIdentity -ClientId $Apps.UserIdentity'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ AppId = $Apps.UserIdentity }; Tokens = '^$'
            Saw = , "^GET /msi/token\?.*client_id=$($Apps.UserIdentity).* 200$" }
        @{ Kind = 'ManagedIdentity'; Name = 'an identity the resource does not have (managed-identity-unknown)'
            Script = 'Use-IdentityEndpoint; Test-PbiCredentialScope @Target -Identity -ClientId $Apps.UnknownIdentity'
            Status = 'Failed'; Reason = 'ManagedIdentityUnavailable'; ErrorCode = 'managed_identity_request_failed'
            HttpStatus = 400; Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^$'
            Saw = , "^GET /msi/token\?.*client_id=$($Apps.UnknownIdentity).* 400$" }

        # Workload identity federation (federated-healthy, federated-no-match, federated-expired).
        @{ Kind = 'FederatedToken'; Name = 'a token given as a value'
            Script = '$token = Protect (Get-Content -Raw $Emulator.federatedTokenPath)
                Test-PbiCredentialScope @App -FederatedToken $token'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ CredentialKind = 'FederatedToken'; AppId = $Apps.Scanner }
            Tokens = '^client_credentials external-token 200$' }
        @{ Kind = 'FederatedToken'; Name = 'a token file'
            Script = 'Test-PbiCredentialScope @App -FederatedTokenFile $Emulator.federatedTokenPath'
            Status = 'Passed'; Reason = 'TokenAcquired'; Tokens = '^client_credentials external-token 200$' }
        @{ Kind = 'FederatedToken'; Name = 'AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and AZURE_TENANT_ID filling in'
            Script = '$env:AZURE_FEDERATED_TOKEN_FILE = $Emulator.federatedTokenPath
                $env:AZURE_CLIENT_ID = $Emulator.clientId; $env:AZURE_TENANT_ID = $Emulator.tenantId
                $withoutTenant = $Target.Clone(); $withoutTenant.Remove("TenantId")
                Test-PbiCredentialScope @withoutTenant -WorkloadIdentity'
            Status = 'Passed'; Reason = 'TokenAcquired'; Details = @{ AppId = $Apps.Scanner }
            Tokens = '^client_credentials external-token 200$' }
        @{ Kind = 'FederatedToken'; Name = 'the GitHub Actions runner''s token'
            Script = '$env:ACTIONS_ID_TOKEN_REQUEST_URL = $Emulator.actionsIdTokenRequestUrl
                $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $Emulator.actionsIdTokenRequestToken
                Test-PbiCredentialScope @App -WorkloadIdentity'
            Status = 'Passed'; Reason = 'TokenAcquired'; Tokens = '^client_credentials external-token 200$'
            Saw = , '^GET /_apis/actions/idtoken\?api-version=2\.0&audience=api%3A%2F%2FAzureADTokenExchange 200$' }
        @{ Kind = 'FederatedToken'; Name = 'a GitHub Actions runner that refuses the job''s request token'
            Script = '$env:ACTIONS_ID_TOKEN_REQUEST_URL = $Emulator.actionsIdTokenRequestUrl
                $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = "not-the-runner-token"
                Test-PbiCredentialScope @App -WorkloadIdentity'
            Status = 'Failed'; Reason = 'FederatedTokenUnavailable'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^$'; Saw = , '^GET /_apis/actions/idtoken\?.* 401$' }
        @{ Kind = 'FederatedToken'; Name = 'a token no federated credential matches (federated-no-match)'
            Script = '$file = $Emulator.federatedTokenPath
                Test-PbiCredentialScope @Target -ClientId $Apps.OtherSubjects -FederatedTokenFile $file'
            Status = 'Failed'; Reason = 'FederatedCredentialMismatch'; ErrorCode = 'AADSTS700213'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^client_credentials external-token 401$' }
        @{ Kind = 'FederatedToken'; Name = 'an expired token (federated-expired)'
            Script = 'Test-PbiCredentialScope @App -FederatedTokenFile $env:PBI_TEST_EXPIRED_FEDERATED_TOKEN_FILE'
            Status = 'Failed'; Reason = 'ClientAssertionExpired'; ErrorCode = 'AADSTS700024'; HttpStatus = 401
            Expiry = 'Skipped', 'CredentialScopeFailed'; Tokens = '^client_credentials external-token 401$' }
        @{ Kind = 'FederatedToken'; Name = 'workload identity with no token anywhere'
            Script = 'Test-PbiCredentialScope @App -WorkloadIdentity'
            Error = 'NoFederatedToken' }
        @{ Kind = 'FederatedToken'; Name = 'AZURE_* variables beside a client secret, which still signs in'
            Script = '$env:AZURE_FEDERATED_TOKEN_FILE = $Emulator.federatedTokenPath
                $env:AZURE_CLIENT_ID = $Emulator.clientId
                Test-PbiCredentialScope @Connection'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Passed', 'SecretValid'
            Details = @{ CredentialKind = 'ClientSecret' }
            Tokens = '^client_credentials secret 200; client_credentials secret 200$' }
        @{ Kind = 'FederatedToken'; Name = 'AZURE_* variables alone, which choose no kind of sign-in'
            Script = '$env:AZURE_FEDERATED_TOKEN_FILE = $Emulator.federatedTokenPath
                $env:AZURE_CLIENT_ID = $Emulator.clientId; $env:AZURE_TENANT_ID = $Emulator.tenantId
                Test-PbiCredentialScope @Target'
            Error = 'MissingMandatoryParameter' }

        # A token the caller already has: inspected, never requested, so the emulator sees nothing.
        @{ Kind = 'AccessToken'; Name = 'a Power BI token with two hours left'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_POWERBI)'
            Status = 'Passed'; Reason = 'TokenAcquired'; Expiry = 'Skipped', 'ExpiryNotApplicable'
            Details = @{ CredentialKind = 'AccessToken'; AppId = $Apps.Scanner }; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'the same token pasted with its Bearer prefix'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect ("Bearer " + $env:PBI_TEST_TOKEN_POWERBI))'
            Status = 'Passed'; Reason = 'TokenAcquired'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'the same token behind a Bearer prefix and a tab'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect ("Bearer`t" + $env:PBI_TEST_TOKEN_POWERBI))'
            Status = 'Passed'; Reason = 'TokenAcquired'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'a token that ends before a crawl could finish'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_SHORT)'
            Status = 'Warning'; Reason = 'AccessTokenExpiresSoon'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'an expired token'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_EXPIRED)'
            Status = 'Failed'; Reason = 'AccessTokenExpired'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'a JSON web token with no claims at all'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect "eyJhbGciOiJub25lIn0.e30.c2lnbmF0dXJl")'
            Status = 'Warning'; Reason = 'AccessTokenIncomplete'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'a Microsoft Graph token'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_GRAPH)'
            Status = 'Failed'; Reason = 'TokenAudienceMismatch'; Details = @{ Audience = 'https://graph.microsoft.com' }
            NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'a token for the US Government cloud''s Power BI'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_USGOV)'
            Status = 'Failed'; Reason = 'CloudMismatch'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'a token of another tenant'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect $env:PBI_TEST_TOKEN_OTHER_TENANT)'
            Status = 'Failed'; Reason = 'TokenTenantMismatch'; NoRequests = $true }
        @{ Kind = 'AccessToken'; Name = 'an opaque string'
            Script = 'Test-PbiCredentialScope @Target -AccessToken (Protect "EwBwA8l6BAAU-opaque-access-token")'
            Status = 'Warning'; Reason = 'AccessTokenOpaque'; NoRequests = $true }
    )

    $script:DeviceCodeFailures = @(
        @{ Scenario = 'device-code-declined'; Reason = 'DeviceCodeDeclined'; ErrorCode = 'AADSTS70000' }

        # MSAL stops polling when the code's lifetime is over, usually before the emulator can say expired_token.
        @{ Scenario = 'device-code-expired'; Reason = 'DeviceCodeExpired'; ErrorCode = '^(AADSTS70020|code_expired)$' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestKit.psm1') -Force

    $script:PowerBi = 'https://analysis.windows.net/powerbi/api'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('pbi-signin-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Work | Out-Null

    # The added fixtures' own secrets; they reach the child through its environment only, and no output.
    $script:ExpiredSecret = 'Xs1~emulator.expired-secret_value-00000000c1'
    $script:UserPassword = 'Emulator-Pa55-other.users'

    function New-SignInScenario {
        # The shipped sign-in scenario plus one app or user for each failure a single-purpose scenario models.
        $shipped = Get-Content -Raw (Join-Path $PSScriptRoot '../../out/emulator/Scenarios/sign-in.json') |
            ConvertFrom-Json -AsHashtable
        $app = {
            param([string] $ClientId, [string] $Name, [hashtable] $More)
            $entry = [ordered]@{ clientId = $ClientId; displayName = $Name
                servicePrincipalId = $ClientId -replace '^a9', '5e' }
            foreach ($key in $More.Keys) { $entry[$key] = $More[$key] }
            $entry
        }
        $user = {
            param([string] $Number, [string] $Name, [hashtable] $More)
            $entry = [ordered]@{ userPrincipalName = "$Name@contoso.example"; displayName = $Name
                objectId = "0e000000-0000-4000-8000-0000000000$Number"; password = $UserPassword
                fabricAdministrator = $true }
            foreach ($key in $More.Keys) { $entry[$key] = $More[$key] }
            $entry
        }
        $exchange = 'api://AzureADTokenExchange'

        $apps = @($shipped.apps) + @(
            (& $app $Apps.ExpiredSecret 'pbi-scanner-expired-secret' @{ secrets = @(
                    @{ id = '5ec00000-0000-4000-8000-0000000000c1'; value = $ExpiredSecret; expiresInDays = -10 }) })
            (& $app $Apps.RotatingCertificates 'pbi-scanner-rotating-certificates' @{
                certificates = @('crawler-expired', 'crawler-expiring') })
            (& $app $Apps.SubjectName 'pbi-scanner-subject-name' @{
                certificates = @(); trustedCertificateSubjects = @('CN=pbi-crawler.contoso.example') })
            (& $app $Apps.ConfidentialUser 'pbi-admin-cli-confidential' @{
                allowPublicClientFlows = $false; delegatedPermissions = @('Tenant.Read.All', 'Workspace.Read.All') })
            (& $app $Apps.OtherSubjects 'pbi-scanner-other-subjects' @{ federatedCredentials = @(
                    @{ name = 'github-release'; issuer = 'https://token.actions.githubusercontent.com'
                        subject = 'repo:contoso/pbi-crawler:environment:release'; audiences = @($exchange) }
                    @{ name = 'aks-other'; issuer = $shipped.federatedTokenFile.issuer
                        subject = 'system:serviceaccount:crawler:other-sa'; audiences = @($exchange) }) })
        )
        $users = @($shipped.users) + @(
            (& $user '02' 'fed.user' @{ federated = $true })
            (& $user '03' 'disabled.user' @{ enabled = $false })
            (& $user '04' 'mfa.user' @{ mfaRequired = $true })
        )

        # Two hours, so that a token handed to -AccessToken outlives the hour a crawl is given.
        $path = Join-Path $Work 'sign-in-matrix.json'
        [ordered]@{ base = 'sign-in'; tokenLifetimeSeconds = 7200; apps = $apps; users = $users } |
            ConvertTo-Json -Depth 10 | Set-Content -Path $path -Encoding utf8
        return $path
    }

    function New-UnsignedToken([hashtable] $Claims) {
        # The module reads a given token's claims and never its signature (Power BI checks that), so a token
        # with any signature shows how the claims alone are judged.
        $json = { param($value) [Text.Encoding]::UTF8.GetBytes(($value | ConvertTo-Json -Compress)) }
        $header = ConvertTo-Base64Url (& $json @{ alg = 'RS256'; typ = 'JWT' })
        $header + '.' + (ConvertTo-Base64Url (& $json $Claims)) + '.' + (ConvertTo-Base64Url ([byte[]](1..32)))
    }

    function Get-EmulatorToken($Emulator, [string] $Resource) {
        $form = @{ grant_type = 'client_credentials'; client_id = $Emulator.clientId
            client_secret = $Emulator.clientSecret; scope = "$Resource/.default" }
        $endpoint = "$($Emulator.url)/$($Emulator.tenantId)/oauth2/v2.0/token"
        (Invoke-RestMethod -Method Post -Uri $endpoint -Body $form).access_token
    }

    function Invoke-SignInCases {
        # Runs the cases in one child, in order, and returns what each produced, keyed by name. The child clears
        # the emulator's request log before each case and reads it after, so each case sees its own requests only.
        param($Emulator, [object[]] $Cases, [hashtable] $Environment = @{})

        $runner = @'
$Target = $Connection.Clone()
$Target.Remove('ClientId')
$Target.Remove('ClientSecret')
$App = $Target.Clone()
$App.ClientId = $Connection.ClientId
$Apps = $env:PBI_TEST_APPS | ConvertFrom-Json
$Certificates = $Emulator.certificates
function Protect([string] $Text) { ConvertTo-SecureString -String $Text -AsPlainText -Force }
function Pfx([string] $Name) {
    @{ CertificatePath = $Certificates.$Name.pfxPath; CertificatePassword = Protect $Certificates.$Name.pfxPassword }
}
function Pem([string] $Name) { $Certificates.$Name.pemPath }
function Jane { [pscredential]::new($Emulator.userName, (Protect $Emulator.password)) }
function EncryptedPem([string] $Name) {
    # The certificate and its key as PEM, the key encrypted (PKCS#8) with the PFX's own password.
    $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile(
        $Certificates.$Name.pfxPath, $Certificates.$Name.pfxPassword,
        [Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
    $key = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($certificate)
    $encryption = [Security.Cryptography.PbeParameters]::new('Aes256Cbc', 'SHA256', 10000)
    $path = Join-Path $Emulator.runDirectory "encrypted-$Name.pem"
    Set-Content -Path $path -Value ($certificate.ExportCertificatePem() + "`n" +
        $key.ExportEncryptedPkcs8PrivateKeyPem($Certificates.$Name.pfxPassword, $encryption))
    $path
}
function User([string] $Name) { [pscredential]::new("$Name@contoso.example", (Protect $env:PBI_TEST_USER_PASSWORD)) }
function Use-IdentityEndpoint {
    $env:IDENTITY_ENDPOINT = $Emulator.identityEndpoint
    $env:IDENTITY_HEADER = $Emulator.identityHeader
}

$requestLog = $Emulator.url + '/_emulator/requests'
$variables = 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
foreach ($case in ($env:PBI_TEST_CASES | ConvertFrom-Json)) {
    Invoke-RestMethod -Method Delete -Uri $requestLog | Out-Null
    $output = @()
    $caught = $null
    try {
        $output = @(& ([scriptblock]::Create($case.Script)) *>&1)
    }
    catch {
        $caught = $_
    }
    finally {
        # A case's environment is its own: the next one starts without it.
        foreach ($name in $variables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) +
        @($caught | Where-Object { $_ })
    [pscustomobject]@{
        Name     = $case.Name
        Results  = @($output | Where-Object { $_ -is [PbiPreflight.CheckResult] } | ForEach-Object {
                $details = @{}
                foreach ($key in $_.Details.Keys) { $details[$key] = [string]$_.Details[$key] }
                [pscustomobject]@{ Check = $_.Check; Status = $_.Status.ToString(); Reason = $_.Reason
                    ErrorCode = $_.ErrorCode; HttpStatus = $_.HttpStatus; Message = $_.Message
                    TenantId = $_.TenantId; Details = $details }
            })
        Errors   = @($errors | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId
                    Category = $_.CategoryInfo.Category.ToString(); Message = $_.ToString() } })
        Warnings = @($output | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } |
                ForEach-Object Message)
        Values   = @($output | Where-Object { $_ -isnot [PbiPreflight.CheckResult] -and
                $_ -isnot [System.Management.Automation.ErrorRecord] -and
                $_ -isnot [System.Management.Automation.InformationalRecord] })
        Requests = @(Invoke-RestMethod -Uri $requestLog | ForEach-Object { $_ } | ForEach-Object {
                # Assigned, not the value of an if: an if that yields nothing would serialize as an empty object.
                $token = $null
                if ($_.grantType) { $token = "$($_.grantType) $($_.clientAuthentication) $($_.status)" }
                [pscustomobject]@{ Line = "$($_.method) $($_.path) $($_.status)"; Token = $token } })
    }
}
'@
        $Environment['PBI_TEST_CASES'] = @($Cases | ForEach-Object { @{ Name = $_.Name; Script = $_.Script } }) |
            ConvertTo-Json -Compress
        $Environment['PBI_TEST_APPS'] = $Apps | ConvertTo-Json -Compress
        $run = Invoke-PbiChild -Emulator $Emulator -Script $runner -AllReadyFields -Environment $Environment
        $byName = @{}
        foreach ($outcome in @($run.Objects)) {
            $byName[$outcome.Name] = $outcome
        }

        return [pscustomobject]@{ Outcomes = $byName; Run = $run }
    }

    function Assert-SignIn {
        # The assertions every case shares; the table in BeforeDiscovery says what each key means.
        param($Outcome, [hashtable] $Case, $Emulator)

        $Outcome | Should -Not -BeNullOrEmpty -Because "the child ran case '$($Case.Name)'"
        $tokens = @($Outcome.Requests | Where-Object { $_.Token } | ForEach-Object Token) -join '; '
        $saw = "the emulator saw:`n" + ($Outcome.Requests.Line -join "`n")
        if ($Case.Error) {
            $Outcome.Results | Should -BeNullOrEmpty
            @($Outcome.Errors).Count | Should -Be 1
            $Outcome.Errors[0].Id | Should -BeLike "$($Case.Error),*"
            $Outcome.Errors[0].Category | Should -Be 'InvalidArgument'
            $Outcome.Errors[0].Message | Should -Not -BeNullOrEmpty
            $Outcome.Requests | Should -BeNullOrEmpty -Because "a parameter error comes before any network call; $saw"
            return
        }

        $Outcome.Errors | Should -BeNullOrEmpty
        $credential = $Outcome.Results | Where-Object Check -eq 'CredentialScope'
        $credential | Should -Not -BeNullOrEmpty
        $credential.Status | Should -Be $Case.Status
        $credential.Reason | Should -Be $Case.Reason
        $credential.Message | Should -Not -BeNullOrEmpty
        $credential.TenantId | Should -Be $Emulator.tenantId
        if ($Case.ErrorCode -like '^*') {
            $credential.ErrorCode | Should -Match $Case.ErrorCode
        }
        elseif ($Case.ErrorCode) {
            $credential.ErrorCode | Should -Be $Case.ErrorCode
        }
        else {
            $credential.ErrorCode | Should -BeNullOrEmpty
        }

        if ($Case.HttpStatus) {
            $credential.HttpStatus | Should -Be $Case.HttpStatus
        }

        $expiry = $Outcome.Results | Where-Object Check -eq 'CredentialScope.Expiry'
        if ($Case.Expiry) {
            "$($expiry.Status) $($expiry.Reason)" | Should -Be ($Case.Expiry -join ' ')
        }

        if ($Case.Thumbprint) {
            $expiry.Details['CertificateThumbprint'] | Should -Be $Emulator.certificates.($Case.Thumbprint).thumbprint
        }

        if ($Case.Details) {
            foreach ($key in $Case.Details.Keys) {
                $credential.Details[$key] | Should -Be $Case.Details[$key] -Because "Details.$key"
            }
        }

        if ($Case.Tokens) {
            $tokens | Should -Match $Case.Tokens -Because $saw
        }

        foreach ($pattern in @($Case.Saw | Where-Object { $_ })) {
            @($Outcome.Requests.Line) -match $pattern | Should -Not -BeNullOrEmpty -Because "of $pattern; $saw"
        }

        if ($Case.NoRequests) {
            $Outcome.Requests | Should -BeNullOrEmpty -Because $saw
        }

        if ($Case.Warning) {
            ($Outcome.Warnings -join "`n") | Should -Match $Case.Warning
        }
        else {
            $Outcome.Warnings | Should -BeNullOrEmpty
        }
    }

    $script:Emulator = Start-PbiEmulator -Scenario (New-SignInScenario)

    # What the child is handed besides the ready line: a file that is not a certificate, an expired federated
    # token (signed by the emulator's federation key, which the scanner app's AKS credential trusts), and access
    # tokens, real (from the emulator) and made up (claims only).
    $notCertificate = Join-Path $Work 'notes.pfx'
    Set-Content -Path $notCertificate -Value 'These are meeting notes, not a certificate.'
    $request = @{ issuer = 'https://oidc.prod-aks.azure.com/7e000000-0000-4000-8000-0000000000aa/'
        subject = 'system:serviceaccount:crawler:crawler-sa'; audience = 'api://AzureADTokenExchange'
        lifetimeSeconds = -120 } | ConvertTo-Json
    $expired = Invoke-RestMethod -Method Post -Uri "$($Emulator.url)/_emulator/federated-token" -Body $request `
        -ContentType 'application/json'
    $expiredTokenFile = Join-Path $Work 'expired-token.jwt'
    Set-Content -Path $expiredTokenFile -Value $expired.token -NoNewline

    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $claims = @{ aud = $PowerBi; iss = "https://sts.windows.net/$($Emulator.tenantId)/"; tid = $Emulator.tenantId
        appid = $Emulator.clientId; idtyp = 'app'; oid = '5e000000-0000-4000-8000-000000000001'; ver = '1.0'
        iat = $now - 3000; nbf = $now - 3000 }
    $otherTenant = $claims.Clone()
    $otherTenant.tid = '7e000000-0000-4000-8000-0000000000ee'
    $otherTenant.iss = "https://sts.windows.net/$($otherTenant.tid)/"
    $script:GivenTokens = @{
        PBI_TEST_TOKEN_POWERBI      = Get-EmulatorToken $Emulator $PowerBi
        PBI_TEST_TOKEN_GRAPH        = Get-EmulatorToken $Emulator 'https://graph.microsoft.com'
        PBI_TEST_TOKEN_USGOV        = Get-EmulatorToken $Emulator 'https://analysis.usgovcloudapi.net/powerbi/api'
        PBI_TEST_TOKEN_SHORT        = New-UnsignedToken ($claims + @{ exp = $now + 600 })
        PBI_TEST_TOKEN_EXPIRED      = New-UnsignedToken ($claims + @{ exp = $now - 600 })
        PBI_TEST_TOKEN_OTHER_TENANT = New-UnsignedToken ($otherTenant + @{ exp = $now + 7200 })
    }
    $environment = $GivenTokens.Clone()
    $environment += @{
        PBI_TEST_EXPIRED_SECRET               = $ExpiredSecret
        PBI_TEST_USER_PASSWORD                = $UserPassword
        PBI_TEST_NOT_A_CERTIFICATE            = $notCertificate
        PBI_TEST_EXPIRED_FEDERATED_TOKEN_FILE = $expiredTokenFile

        # The CurrentUser My store lives under HOME on Linux; a home of its own keeps the test's import there.
        HOME                                  = (New-Item -ItemType Directory -Path (Join-Path $Work 'home')).FullName
    }
    $script:Matrix = Invoke-SignInCases -Emulator $Emulator -Cases $SignInCases -Environment $environment

    # Everything secret the child held: none of it may appear in any stream.
    $script:Secrets = @($Emulator.clientSecret, $Emulator.password, $Emulator.identityHeader,
        $Emulator.actionsIdTokenRequestToken, $ExpiredSecret, $UserPassword, $expired.token,
        (Get-Content -Raw $Emulator.federatedTokenPath)) + @($GivenTokens.Values) +
        @($Emulator.certificates.PSObject.Properties.Value.pfxPassword)
}

AfterAll {
    $Emulator | Stop-PbiEmulator
    Remove-Item -Recurse -Force $Work -ErrorAction Ignore
}

Describe 'Signing in with <_>' -ForEach 'ClientSecret', 'Certificate', 'UserPassword', 'DeviceCode', 'ManagedIdentity',
    'FederatedToken', 'AccessToken' {
    It '<Name>' -ForEach @($SignInCases | Where-Object Kind -eq $_) {
        Assert-SignIn -Outcome $Matrix.Outcomes[$Name] -Case $_ -Emulator $Emulator
    }
}

Describe 'The sign-in child as a whole' {
    It 'ran every case and leaked no secret into any stream' {
        $Matrix.Outcomes.Count | Should -Be $SignInCases.Count -Because 'case names are unique'
        foreach ($secret in $Secrets | Where-Object { $_ }) {
            $Matrix.Run.Text.Contains($secret) | Should -BeFalse
            $Matrix.Run.Console.Contains($secret) | Should -BeFalse
        }
    }
}

Describe 'A device code that is <Scenario>' -ForEach $DeviceCodeFailures {
    BeforeAll {
        $deviceEmulator = Start-PbiEmulator -Scenario $Scenario
        $stop = @'
# Ctrl+C is PowerShell stopping the pipeline; Stop() from outside does the same, here while the code is pending.
$state = [initialsessionstate]::CreateDefault2()
$state.ImportPSModule((Get-Module PbiPreflight).Path)
$shell = [powershell]::Create($state)
$null = $shell.AddCommand('Test-PbiCredentialScope').AddParameters($Target).
    AddParameter('ClientId', $Emulator.clientId).AddParameter('UseDeviceCode')

# An input collection left open would keep the command waiting for input; this one is closed.
$noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
$noInput.Complete()
$written = [System.Management.Automation.PSDataCollection[psobject]]::new()
$null = $shell.BeginInvoke($noInput, $written)
$deadline = [DateTime]::UtcNow.AddSeconds(30)
while ($shell.Streams.Warning.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }

$clock = [Diagnostics.Stopwatch]::StartNew()
$shell.Stop()
$stopSeconds = $clock.Elapsed.TotalSeconds
$stoppedAt = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()

# The code is polled every second: a sign-in that went on in the background would poll again within this wait.
Start-Sleep -Seconds 3
$polls = @(Invoke-RestMethod -Uri $requestLog | ForEach-Object { $_ } | Where-Object grantType)
[pscustomobject]@{
    StopSeconds = $stopSeconds
    State       = $shell.InvocationStateInfo.State.ToString()
    Warned      = $shell.Streams.Warning.Count
    Results     = $written.Count
    PollsAfter  = @($polls | Where-Object arrivedUnixMs -gt ($stoppedAt + 250)).Count
}
'@
        $cases = @(
            @{ Name = 'stopped'; Script = $stop }
            @{ Name = 'waited for'; Script = 'Test-PbiCredentialScope @App -UseDeviceCode' }
        )
        $script:DeviceRun = Invoke-SignInCases -Emulator $deviceEmulator -Cases $cases
    }

    AfterAll {
        $deviceEmulator | Stop-PbiEmulator
    }

    It 'fails with <Reason> once the emulator says so' {
        $case = @{ Name = 'waited for'; Status = 'Failed'; Reason = $Reason; ErrorCode = $ErrorCode
            Expiry = 'Skipped', 'CredentialScopeFailed'; Warning = 'https://microsoft\.com/devicelogin'
            Tokens = '^(device_code none 400; )*device_code none 400$'
            Saw = , "^POST /$($deviceEmulator.tenantId)/oauth2/v2\.0/devicecode 200$" }
        Assert-SignIn -Outcome $DeviceRun.Outcomes['waited for'] -Case $case -Emulator $deviceEmulator
    }

    It 'stops waiting at once when the pipeline is stopped (Ctrl+C)' {
        $stopped = $DeviceRun.Outcomes['stopped']
        $stopped.Errors | Should -BeNullOrEmpty
        $summary = $stopped.Values | Select-Object -First 1
        $summary.Warned | Should -BeGreaterOrEqual 1 -Because 'the code was shown before the stop'
        $summary.State | Should -Be 'Stopped'
        $summary.StopSeconds | Should -BeLessThan 2
        $summary.Results | Should -Be 0
        $summary.PollsAfter | Should -Be 0 -Because 'nothing goes on polling once the pipeline is stopped'
        @($stopped.Requests.Line) -match '/oauth2/v2\.0/devicecode 200$' | Should -HaveCount 1
    }
}
