using System.Globalization;

namespace PbiPreflight
{
    /// <summary>
    /// User-facing text that is not a diagnosis: parameter errors, progress and verbose lines, labels. Kept in
    /// one place so the wording can be reviewed without hunting through the code.
    /// </summary>
    internal static class Messages
    {
        public const string MissingTenantId =
            "No tenant was given. Pass -TenantId with the directory (tenant) id or a verified domain; with workload " +
            "identity federation, AZURE_TENANT_ID fills it in.";

        public const string MissingClientId =
            "No client id was given. Pass -ClientId with the application (client) id; with workload identity " +
            "federation, AZURE_CLIENT_ID fills it in.";

        public const string MissingUserName =
            "The user credential has no user name. Give the user principal name, such as admin@contoso.com.";

        public const string UserNameNotPrincipalName =
            "'{0}' is not a user principal name. A user name and password sign in only with the full name, such as " +
            "admin@contoso.com; a bare account name or DOMAIN\\user cannot be resolved to a tenant.";

        public const string EmptyUserPassword =
            "The user credential's password is empty. Give the user's password in the PSCredential.";

        public const string EmptyAccessToken =
            "The access token is empty or blank. Give the token itself, as a SecureString.";

        public const string InvalidExpiryWarning =
            "-CertificateExpiryWarningDays must be 0 or more; {0} was given.";

        public const string MissingCertificate =
            "No certificate was given. Pass -Certificate, -CertificateThumbprint or -CertificatePath.";

        public const string CertificateHasNoPrivateKey =
            "The certificate '{0}' ({1}) has no private key, so it cannot sign the sign-in request. Give the PFX " +
            "that holds the key, or the certificate from a store where its key was imported.";

        public const string InvalidCertificateThumbprint =
            "'{0}' is not a certificate thumbprint: a thumbprint is 40 hexadecimal characters (SHA-1).";

        public const string CertificateNotFound =
            "No certificate with thumbprint {0} is in the My store of {1}. Import the PFX there, or pass " +
            "-CertificatePath.";

        public const string CertificateFileUnreadable = "The certificate file '{0}' could not be read: {1}";

        public const string CertificateFileNotCertificate =
            "'{0}' is neither a PFX (PKCS#12) file nor a PEM file with a certificate and its private key.";

        public const string CertificatePasswordIncorrect =
            "The password of '{0}' is wrong; the file could not be opened. Pass the PFX password as " +
            "-CertificatePassword.";

        public const string CertificatePasswordMissing =
            "'{0}' is protected by a password; pass it as -CertificatePassword.";

        public const string PemPasswordIncorrect =
            "The private key in '{0}' could not be decrypted with the password given, or it is not the key of the " +
            "certificate in the same file. Pass the key's password as -CertificatePassword.";

        public const string PemLegacyEncryption =
            "The private key in '{0}' is encrypted the old OpenSSL way (Proc-Type: 4,ENCRYPTED), which .NET cannot " +
            "read. Convert it to PKCS#8 with 'openssl pkcs8 -topk8 -in old.pem -out new.pem', or give a PFX.";

        public const string PemWithoutKey =
            "'{0}' holds a certificate but no private key. Give a PEM file with the certificate followed by its " +
            "private key (-----BEGIN PRIVATE KEY-----), or a PFX.";

        public const string PemUnreadable = "'{0}' could not be read as a certificate with its private key: {1}";

        public const string PemNotSupported =
            "'{0}' is a PEM file; Windows PowerShell cannot read PEM private keys. Convert it to a PFX (openssl " +
            "pkcs12 -export) or use PowerShell 7.";

        public const string NoFederatedToken =
            "No federated token was found: pass -FederatedToken or -FederatedTokenFile, set " +
            "AZURE_FEDERATED_TOKEN_FILE, or run in a GitHub Actions job with 'permissions: id-token: write'.";

        public const string FederatedTokenFileUnreadable = "The federated token file '{0}' could not be read: {1}";

        public const string EmptyFederatedToken =
            "The federated token is empty or blank. Give the token the workload's identity provider issued, as a " +
            "SecureString, or leave -FederatedToken out inside a GitHub Actions job.";

        public const string EmptyFederatedTokenFile =
            "The federated token file '{0}' is empty. The workload's identity provider writes the token there " +
            "(in Kubernetes, the service account token projection); check that the pod or job mounts it.";

        public const string AuthorityHostDiffers =
            "AZURE_AUTHORITY_HOST names {0}, but this run signs in at {1}; pass -Environment to match the cloud " +
            "the workload identity belongs to.";

        public const string EngineMissing =
            "The module's engine was not found in '{0}'. The module folder is incomplete: reinstall the module, " +
            "or run ./build.ps1 again when working from source.";

        public const string InvalidTenantId =
            "The tenant '{0}' is neither a GUID nor a domain name. Give the directory (tenant) id from the app " +
            "registration's Overview page, or a verified domain such as contoso.onmicrosoft.com.";

        public const string InvalidClientId =
            "The client id '{0}' is not a GUID. Give the application (client) id from the app registration's " +
            "Overview page, not its display name or object id.";

        public const string EmptyClientSecret =
            "The client secret is empty or blank. Give the secret's Value (shown once when it was created under " +
            "Certificates & secrets), as -ClientSecret or as the password of -Credential.";

        public const string MissingClientSecret =
            "No secret was given. Pass -ClientSecret, or -Credential with the client id as user name.";

        public const string InvalidEnvironment = "'{0}' is not a cloud this module knows; use one of {1}.";

        public const string CustomEnvironmentRequiresUris =
            "-Environment Custom needs both -AuthorityHost and -ApiBaseUri, for example " +
            "https://login.microsoftonline.com and https://api.powerbi.com.";

        public const string CustomUrisRequireCustomEnvironment =
            "-AuthorityHost, -ApiBaseUri and -ResourceUri apply only with -Environment Custom; the named clouds " +
            "have fixed endpoints.";

        public const string InsecureCustomUri =
            "-{0} must be an absolute https address; '{1}' is not. Tokens and secrets never travel in clear text.";

        public const string CustomUriNotAnOrigin =
            "-{0} must be an origin such as https://login.microsoftonline.com, with no path or query; got '{1}'.";

        public const string InvalidResourceUri = "-ResourceUri must be an absolute address; got '{0}'.";

        public const string InvalidProxy =
            "-Proxy must be an absolute http or https address such as http://proxy:8080; got '{0}'.";

        public const string ProxyCredentialWithoutProxy =
            "-ProxyCredential and -ProxyUseDefaultCredentials apply to -Proxy; the system's proxy takes its " +
            "credentials from its own settings (for HTTPS_PROXY, in its URL).";

        public const string ConflictingProxyCredentials =
            "Give either -ProxyCredential or -ProxyUseDefaultCredentials, not both.";

        public const string InvalidWorkspaceName =
            "-WorkspaceName '{0}' is not a valid wildcard pattern: a [set] must close with ] and list ranges low to " +
            "high; put a backtick before a literal [, ], * or ?.";

        public const string InvalidTimeout = "-{0} is too short; got {1} s.";

        public const string InvalidSampleSize = "-SampleSize must be between 1 and 100; got {0}.";

        public const string TooManyWorkspaceIds =
            "The scanner takes at most 100 workspaces per call; {0} were given.";

        public const string TokenTimedOut =
            "no answer within {0} s; raise -TimeoutSec if the link is slow.";

        public const string VerboseRequestingToken = "Requesting a token for {0} from {1}.";

        public const string VerboseTokenAcquired = "Token acquired for app {0} in tenant {1}; it expires at {2:u}.";

        public const string VerboseRequest = "{0} {1}";

        public const string DebugResponse = "{0} {1} answered {2} in {3} ms (RequestId {4}).";

        public const string VerboseRetry = "{0} {1} answered {2}; retry {3} in {4:0.0} s.";

        public const string VerboseTokenExpired =
            "{0} says the token has expired; asking for a new one and trying once more.";

        public const string VerboseScanStatus = "Scan {0} is {1}; asking again in {2:0.0} s.";

        public const string PublicListingStillShows =
            "The public API still shows {0} workspace(s) this identity is a member of.";

        public const string AdminListingStillShows = "The admin API still shows {0} workspace(s).";

        public const string OtherListingFailedToo = "{0} failed too ({1}).";

        public const string OtherSecretsEnded = "Other secrets on the app have already ended: {0}.";

        public const string ProgressWaitingForPropagation =
            "{0}: waiting for the tenant setting to apply ({1:0.0} min left)";

        public const string ProgressScanStatus = "Scan {0} is {1}";

        public const string SchemaErrorsExplain =
            "{0} of {1} dataset(s) report a schemaRetrievalError: their kind (live connections, real-time, " +
            "Excel full fidelity and others) never returns tables, whatever the settings.";

        public const string NeverRefreshedMayExplain =
            "If the settings are on, datasets that were never refreshed since they were enabled also come back " +
            "without tables; refresh one and scan again.";

        public const string ProgressActivity = "Power BI preflight for tenant {0}";

        public static string Format(string template, params object?[] values)
        {
            return string.Format(CultureInfo.InvariantCulture, template, values);
        }

        /// <summary>The labels catalog admins know from the reference preflight's one-line form.</summary>
        public static string CheckLabel(string check)
        {
            var top = check.Split('.')[0];
            switch (top)
            {
                case CheckIds.CredentialScope:
                    return "Credentials Scopes";
                case CheckIds.WorkspacePermission:
                    return "Workspace permissions";
                case CheckIds.MetadataScan:
                case CheckIds.Refreshables:
                    return "Permissions to scan metadata and fetch refreshables";
                case CheckIds.TenantSettings:
                    return "Tenant settings";
                default:
                    return check;
            }
        }
    }

    /// <summary>The stable ids of the checks.</summary>
    public static class CheckIds
    {
        /// <summary>Can the credentials get a token for the Power BI API, and what does it carry.</summary>
        public const string CredentialScope = "CredentialScope";

        /// <summary>Can the identity see workspaces through the public and the admin API.</summary>
        public const string WorkspacePermission = "WorkspacePermission";

        /// <summary>Can the identity run a scanner round trip, and does the result carry detailed metadata.</summary>
        public const string MetadataScan = "MetadataScan";

        /// <summary>Can the identity read the tenant's refreshables.</summary>
        public const string Refreshables = "Refreshables";

        /// <summary>Are the tenant settings a crawl depends on on, where the identity may read them.</summary>
        public const string TenantSettings = "TenantSettings";
    }
}
