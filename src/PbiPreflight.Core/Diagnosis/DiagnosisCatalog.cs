using System.Collections.Generic;

namespace PbiPreflight.Diagnosis
{
    /// <summary>
    /// Every verdict the checks can reach. Entra ID's AADSTS codes and Power BI's statuses and error codes map
    /// onto these; text never comes from the service's prose, which Microsoft says to not depend on.
    /// </summary>
    public static class DiagnosisCatalog
    {
        private const string SecretsBlade = "Entra ID > App registrations > (the app) > Certificates & secrets";

        private const string ReadOnlyAdminApiSetting =
            "Admin portal > Tenant settings > Admin API settings > 'Service principals can access read-only " +
            "admin APIs'";

        private const string PublicApiSetting =
            "Admin portal > Tenant settings > Developer settings > 'Service principals can use Fabric APIs' " +
            "(formerly 'Allow service principals to use Power BI APIs')";

        // Credential scope.

        /// <summary>A token came back and carries nothing that breaks the later calls.</summary>
        public static readonly Diagnosis TokenAcquired = new Diagnosis(
            "TokenAcquired",
            CheckStatus.Passed,
            "A token for the Power BI API was issued to app {0} in tenant {1}; it expires at {2:u}.",
            string.Empty);

        /// <summary>AADSTS7000215.</summary>
        public static readonly Diagnosis InvalidClientSecret = new Diagnosis(
            "InvalidClientSecret",
            CheckStatus.Failed,
            "Entra ID rejected the client secret. The usual cause is that the secret's ID was copied instead of " +
            "its Value.",
            "Open " + SecretsBlade + ", and copy the secret's Value (shown only when it is created), not its " +
            "Secret ID. If the value is lost, create a new secret and store its value.",
            PortalPage.AppCredentials);

        /// <summary>The secret was refused, and it starts or ends with whitespace no Entra ID secret has.</summary>
        public static readonly Diagnosis ClientSecretHasWhitespace = new Diagnosis(
            "ClientSecretHasWhitespace",
            CheckStatus.Failed,
            "Entra ID rejected the client secret, which {0} with whitespace (a space, tab or line break). Entra ID " +
            "secrets never do: it was most likely copied or read from a file with what surrounds it.",
            "Store the secret's Value without the surrounding whitespace, or trim it where it is read, for example " +
            "(Get-Content secret.txt -Raw).Trim(). If it is the secret's ID rather than its Value, copy the Value " +
            "from " + SecretsBlade + ".",
            PortalPage.AppCredentials);

        /// <summary>AADSTS7000222.</summary>
        public static readonly Diagnosis ClientSecretExpired = new Diagnosis(
            "ClientSecretExpired",
            CheckStatus.Failed,
            "The app's client secret has passed its end date, so every token request fails before Power BI is " +
            "contacted.",
            "Create a new client secret in " + SecretsBlade + " and update every place that stores it, or switch " +
            "the app to a certificate.",
            PortalPage.AppCredentials);

        /// <summary>AADSTS7000218.</summary>
        public static readonly Diagnosis ClientCredentialMissing = new Diagnosis(
            "ClientCredentialMissing",
            CheckStatus.Failed,
            "Entra ID expected a client secret or certificate from this app, and none was sent.",
            "Pass the app's secret or certificate. For user sign-in flows, set Authentication > Advanced settings " +
            "> 'Allow public client flows' to Yes on the app registration.",
            PortalPage.AppAuthentication);

        /// <summary>AADSTS700027.</summary>
        public static readonly Diagnosis CertificateNotRegistered = new Diagnosis(
            "CertificateNotRegistered",
            CheckStatus.Failed,
            "Entra ID could not verify the client assertion because the certificate is not registered on the " +
            "app, or the assertion's signature, audience or time is wrong.",
            "Upload the certificate's public key under " + SecretsBlade + " and check the machine's clock.",
            PortalPage.AppCredentials);

        /// <summary>AADSTS700016.</summary>
        public static readonly Diagnosis AppNotFoundInTenant = new Diagnosis(
            "AppNotFoundInTenant",
            CheckStatus.Failed,
            "No application with this client id exists in the tenant.",
            "Check the Application (client) ID and the tenant on the app registration's Overview page. A " +
            "multi-tenant app must first be consented in this tenant by an administrator.",
            PortalPage.AppOverview);

        /// <summary>AADSTS90002.</summary>
        public static readonly Diagnosis TenantNotFound = new Diagnosis(
            "TenantNotFound",
            CheckStatus.Failed,
            "Entra ID does not know this tenant in this cloud.",
            "Check the Directory (tenant) ID or domain, and that -Environment names the cloud the tenant lives " +
            "in (a US Government or China tenant is not found in the public cloud).");

        /// <summary>AADSTS900023.</summary>
        public static readonly Diagnosis MalformedTenant = new Diagnosis(
            "MalformedTenant",
            CheckStatus.Failed,
            "Entra ID could not read a tenant id or domain from the request.",
            "Give the tenant as a GUID or a verified domain, and the authority host as an origin with no path.");

        /// <summary>AADSTS53003.</summary>
        public static readonly Diagnosis BlockedByConditionalAccess = new Diagnosis(
            "BlockedByConditionalAccess",
            CheckStatus.Failed,
            "A Conditional Access policy blocked the sign-in.",
            "In Entra ID > Security > Conditional Access, find the policy in the sign-in log's 'Conditional " +
            "Access' tab and exclude this workload identity, or run from a location the policy allows.",
            PortalPage.ConditionalAccess);

        /// <summary>AADSTS500011.</summary>
        public static readonly Diagnosis ResourceNotFound = new Diagnosis(
            "ResourceNotFound",
            CheckStatus.Failed,
            "The Power BI resource was not found in the tenant: Power BI is not provisioned there, or the " +
            "resource belongs to another cloud.",
            "Check that -Environment (or -ResourceUri) names the tenant's cloud, and that someone in the tenant " +
            "has signed in to Power BI once so its service principal exists.");

        /// <summary>AADSTS1002012 and AADSTS70011.</summary>
        public static readonly Diagnosis InvalidScope = new Diagnosis(
            "InvalidScope",
            CheckStatus.Failed,
            "Entra ID refused the requested scope.",
            "Client credentials must ask for the resource followed by /.default, for example " +
            "https://analysis.windows.net/powerbi/api/.default.");

        /// <summary>AADSTS65001.</summary>
        public static readonly Diagnosis ConsentRequired = new Diagnosis(
            "ConsentRequired",
            CheckStatus.Failed,
            "Nobody has consented to the permissions this sign-in asks for.",
            "For a service principal, use client credentials and remove the Power BI API permissions from the " +
            "app; for a user sign-in, grant admin consent to the delegated Power BI permissions.",
            PortalPage.AppPermissions);

        /// <summary>AADSTS1002016.</summary>
        public static readonly Diagnosis TlsVersionTooOld = new Diagnosis(
            "TlsVersionTooOld",
            CheckStatus.Failed,
            "Entra ID refused the connection's TLS version or cipher.",
            "Enable TLS 1.2 or later on this machine; on Windows PowerShell 5.1 use .NET Framework 4.7 or later " +
            "with the operating system's default TLS settings.");

        /// <summary>Any Entra error the catalog does not know; the service's own description is kept.</summary>
        public static readonly Diagnosis TokenRequestFailed = new Diagnosis(
            "TokenRequestFailed",
            CheckStatus.Failed,
            "Entra ID refused the token request: {0}",
            "Look the code up on https://login.microsoftonline.com/error and check the sign-in logs of the app " +
            "(Entra ID > Enterprise applications > (the app) > Sign-in logs) with the trace id.");

        /// <summary>The authority could not be reached or answered something that is not Entra ID.</summary>
        public static readonly Diagnosis AuthorityUnreachable = new Diagnosis(
            "AuthorityUnreachable",
            CheckStatus.Failed,
            "The sign-in service at {0} could not be reached: {1}",
            "Check the network path to the Entra ID host (proxy, firewall, DNS) and that -Environment or " +
            "-AuthorityHost names the right cloud.");

        /// <summary>Something answered the token request, but not with an Entra ID error.</summary>
        public static readonly Diagnosis UnexpectedAuthorityResponse = new Diagnosis(
            "UnexpectedAuthorityResponse",
            CheckStatus.Failed,
            "The sign-in service at {0} answered {1} with a body that is not an Entra ID error.",
            "Check -Environment or -AuthorityHost (the host is login.*, with no path), and any proxy or captive " +
            "portal between this machine and Entra ID; the start of the body is in Response.");

        /// <summary>MSAL refused to go on for a reason of its own, with no network failure behind it.</summary>
        public static readonly Diagnosis SignInStoppedByMsal = new Diagnosis(
            "SignInStoppedByMsal",
            CheckStatus.Failed,
            "MSAL, the sign-in library, stopped before a token was issued: {0}",
            "The values given do not fit this kind of sign-in; check the credential parameters against the " +
            "message and MSAL's error code in ErrorCode. The network was not at fault.");

        /// <summary>The token carries Power BI application permissions, which the admin APIs refuse.</summary>
        public static readonly Diagnosis AdminConsentPermissionsPresent = new Diagnosis(
            "AdminConsentPermissionsPresent",
            CheckStatus.Warning,
            "The token carries the Power BI application permission(s) {0}. Power BI refuses read-only admin and " +
            "scanner calls from a service principal that has admin-consent Power BI permissions.",
            "In Entra ID > App registrations > (the app) > API permissions, remove the Power BI Service " +
            "application permissions (Tenant.Read.All, Tenant.ReadWrite.All) and revoke their admin consent; " +
            "access is granted through the security group of " + ReadOnlyAdminApiSetting + " instead.",
            PortalPage.AppPermissions);

        // Workspace permission.

        /// <summary>Workspaces are visible.</summary>
        public static readonly Diagnosis WorkspacesVisible = new Diagnosis(
            "WorkspacesVisible",
            CheckStatus.Passed,
            "The identity sees {0} workspace(s) as a member and {1} through the admin API.",
            string.Empty);

        /// <summary>Both listings answered and both are empty.</summary>
        public static readonly Diagnosis NoWorkspacesVisible = new Diagnosis(
            "NoWorkspacesVisible",
            CheckStatus.Failed,
            "No workspaces available",
            "The tenant shows no workspace to this identity through either API. Add the service principal (or " +
            "a security group holding it) as Member or Admin of the workspaces to crawl, and check that the " +
            "tenant has workspaces at all.");

        /// <summary>Both listings answered and nothing matched the caller's filters.</summary>
        public static readonly Diagnosis NoWorkspacesMatchFilter = new Diagnosis(
            "NoWorkspacesMatchFilter",
            CheckStatus.Warning,
            "Both listings answered, and no workspace matches -WorkspaceId or -WorkspaceName.",
            "Check the ids and name patterns; run without them to see what the identity can see.");

        /// <summary>The public listing is empty while the admin listing shows workspaces.</summary>
        public static readonly Diagnosis NotWorkspaceMember = new Diagnosis(
            "NotWorkspaceMember",
            CheckStatus.Warning,
            "The identity is a member of no workspace, while the admin API sees {0}. A crawl through the " +
            "scanner API works; one that reads workspaces through the public API finds nothing.",
            "If the catalog reads workspaces through the public API, add the service principal (or its " +
            "security group) as Member of the workspaces to crawl.");

        /// <summary>The public listing was refused.</summary>
        public static readonly Diagnosis PublicApiNotAuthorized = new Diagnosis(
            "PublicApiNotAuthorized",
            CheckStatus.Failed,
            "Power BI refused the public API (GET groups) to this identity.",
            "Enable " + PublicApiSetting + " and add a security group that holds the service principal; changes " +
            "take up to 15 minutes to apply.");

        /// <summary>The admin listing, the scanner or refreshables were refused.</summary>
        public static readonly Diagnosis AdminApiNotAuthorized = new Diagnosis(
            "AdminApiNotAuthorized",
            CheckStatus.Failed,
            "Power BI refused the read-only admin API ({0}) to this identity.",
            "Enable " + ReadOnlyAdminApiSetting + ", add a security group that directly holds the service " +
            "principal, make sure the app has no Power BI application permissions, wait about 15 minutes, and " +
            "run again (a new token is needed). A user must hold the Fabric administrator role.");

        /// <summary>
        /// The admin listing, the scanner or refreshables were refused to a user. A reason of its own, because the
        /// fix differs: the service principal settings do not apply to users, the Fabric administrator role does.
        /// </summary>
        public static readonly Diagnosis UserNotFabricAdministrator = new Diagnosis(
            "UserNotFabricAdministrator",
            CheckStatus.Failed,
            "Power BI refused the read-only admin API ({0}) to user {1}. The admin APIs answer a user only when " +
            "the user holds the Fabric administrator role; the token's scopes were already checked.",
            "Assign the user the Fabric Administrator role (Entra ID > Roles and administrators > Fabric " +
            "Administrator) and sign in again, as the role is read when the token is issued; or crawl with a " +
            "service principal instead.",
            PortalPage.Users);

        /// <summary>The admin API refusal is explained by the token's application permissions.</summary>
        public static readonly Diagnosis AdminConsentPermissionsBlockAdminApi = new Diagnosis(
            "AdminConsentPermissionsBlockAdminApi",
            CheckStatus.Failed,
            "Power BI refused the read-only admin API ({0}) because the app has the Power BI application " +
            "permission(s) {1}.",
            AdminConsentPermissionsPresent.Remediation);

        /// <summary>Power BI answered 401 or 403 TokenExpired.</summary>
        public static readonly Diagnosis TokenExpired = new Diagnosis(
            "TokenExpired",
            CheckStatus.Failed,
            "Power BI says the access token has expired.",
            "Check the machine's clock; run again to get a new token.");

        /// <summary>A call needed a new token and Entra ID refused it.</summary>
        public static readonly Diagnosis TokenRenewalFailed = new Diagnosis(
            "TokenRenewalFailed",
            CheckStatus.Failed,
            "{0} needed a new token and Entra ID refused it ({1}).",
            "The credential stopped working during the run: check the secret's end date and the sign-in logs, " +
            "then run again.");

        /// <summary>The check used up its budget (-CheckTimeoutSec).</summary>
        public static readonly Diagnosis CheckTimedOut = new Diagnosis(
            "CheckTimedOut",
            CheckStatus.Failed,
            "The check used up its {0:0} s budget before it could finish.",
            "Raise -CheckTimeoutSec for a slow network or a slow tenant; -TimeoutSec limits each request within it.");

        /// <summary>429.</summary>
        public static readonly Diagnosis Throttled = new Diagnosis(
            "Throttled",
            CheckStatus.Warning,
            "Power BI throttled {0}: the tenant's quota for this call is spent. {1}",
            "Not a permission problem. Other tools in the tenant share the quota; run again after the time the " +
            "service named, and keep large crawls within the hourly limits (admin/groups 50, getInfo 500, " +
            "refreshables 200 an hour).");

        /// <summary>5xx.</summary>
        public static readonly Diagnosis ServiceError = new Diagnosis(
            "ServiceError",
            CheckStatus.Failed,
            "Power BI failed on its side ({0}) and kept failing after retries. This is not a permission problem.",
            "Run again later and check the Power BI service health page; if it persists, give Microsoft support " +
            "the RequestId and time of this result.");

        /// <summary>An answer that is not the JSON the API sends.</summary>
        public static readonly Diagnosis UnexpectedResponse = new Diagnosis(
            "UnexpectedResponse",
            CheckStatus.Failed,
            "{0} answered {1} with {2} where JSON was expected.",
            "Check -ApiBaseUri (the API host is api.*, not app.*), any proxy or captive portal between this " +
            "machine and Power BI, and the start of the body in Response.");

        /// <summary>404 PowerBIEntityNotFound or another 4xx.</summary>
        public static readonly Diagnosis RequestRejected = new Diagnosis(
            "RequestRejected",
            CheckStatus.Failed,
            "Power BI rejected {0} with {1}.",
            "Check the workspace ids given; the code and body in this result say what the service objected to.");

        /// <summary>The Power BI host could not be reached or the request timed out.</summary>
        public static readonly Diagnosis ApiUnreachable = new Diagnosis(
            "ApiUnreachable",
            CheckStatus.Failed,
            "The Power BI API at {0} could not be reached: {1}",
            "Check the network path to the Power BI host (proxy, firewall, DNS, TLS inspection) and that " +
            "-Environment or -ApiBaseUri names the right cloud; raise -TimeoutSec for slow links.");

        // Why no answer came: the network between this machine and the service.

        private const string NetworkRemedy =
            " The module uses the system's proxy settings (HTTPS_PROXY and NO_PROXY on Linux and macOS) unless " +
            "-Proxy is given.";

        /// <summary>DNS could not resolve the host.</summary>
        public static readonly Diagnosis NameResolutionFailed = new Diagnosis(
            "NameResolutionFailed",
            CheckStatus.Failed,
            "{0} at {1} could not be reached: its name does not resolve. {2}",
            "Check the host name (-Environment, -AuthorityHost, -ApiBaseUri), the machine's DNS, and whether the " +
            "network needs a proxy." + NetworkRemedy);

        /// <summary>Nothing listens, or a firewall refuses.</summary>
        public static readonly Diagnosis ConnectionRefused = new Diagnosis(
            "ConnectionRefused",
            CheckStatus.Failed,
            "{0} at {1} refused the connection. {2}",
            "Check the port and that outbound HTTPS (443) to the host is allowed by the firewall." + NetworkRemedy);

        /// <summary>The connection was dropped mid-way.</summary>
        public static readonly Diagnosis ConnectionReset = new Diagnosis(
            "ConnectionReset",
            CheckStatus.Failed,
            "{0} at {1} dropped the connection, and it kept dropping after retries. {2}",
            "A proxy, firewall or TLS-inspecting device between this machine and the service is the usual cause; " +
            "run again, then check its logs." + NetworkRemedy);

        /// <summary>No answer within -TimeoutSec.</summary>
        public static readonly Diagnosis RequestTimedOut = new Diagnosis(
            "RequestTimedOut",
            CheckStatus.Failed,
            "{0} at {1} did not answer in time. {2}",
            "Raise -TimeoutSec for a slow link, and check that the proxy forwards the traffic." + NetworkRemedy);

        /// <summary>The certificate's chain ends at a root this machine does not trust.</summary>
        public static readonly Diagnosis TlsUntrustedRoot = new Diagnosis(
            "TlsUntrustedRoot",
            CheckStatus.Failed,
            "{0} at {1} presented a certificate this machine does not trust. {2}",
            "A TLS-inspecting proxy is the usual cause: add its root certificate to the machine's trusted roots " +
            "(Linux: the system bundle or SSL_CERT_FILE; Windows: Trusted Root Certification Authorities). " +
            "Certificate validation is never switched off.");

        /// <summary>The certificate is for another name.</summary>
        public static readonly Diagnosis TlsNameMismatch = new Diagnosis(
            "TlsNameMismatch",
            CheckStatus.Failed,
            "{0} at {1} presented a certificate issued for another name. {2}",
            "Check the host in -Environment, -AuthorityHost or -ApiBaseUri, and any proxy that answers in the " +
            "service's place.");

        /// <summary>The certificate has expired or is not valid yet.</summary>
        public static readonly Diagnosis TlsCertificateExpired = new Diagnosis(
            "TlsCertificateExpired",
            CheckStatus.Failed,
            "{0} at {1} presented a certificate outside its validity period. {2}",
            "Check this machine's clock; if it is right, the certificate (often a proxy's) must be renewed.");

        /// <summary>No common TLS version or cipher.</summary>
        public static readonly Diagnosis TlsHandshakeFailed = new Diagnosis(
            "TlsHandshakeFailed",
            CheckStatus.Failed,
            "The TLS handshake with {0} at {1} failed before any certificate was judged: no TLS version or cipher " +
            "in common. {2}",
            "Entra ID and Power BI require TLS 1.2 or later. Enable it on this machine (Windows PowerShell 5.1: .NET " +
            "Framework 4.7 or later with the operating system's defaults) and on any proxy that terminates TLS.");

        /// <summary>The proxy asked for credentials.</summary>
        public static readonly Diagnosis ProxyAuthenticationRequired = new Diagnosis(
            "ProxyAuthenticationRequired",
            CheckStatus.Failed,
            "The proxy refused to forward the request to {0} at {1} without credentials (407). {2}",
            "Pass -ProxyCredential, or -ProxyUseDefaultCredentials for a proxy that knows this machine's user; " +
            "with HTTPS_PROXY, put the user and password in its URL.");

        /// <summary>The proxy itself could not be reached.</summary>
        public static readonly Diagnosis ProxyUnreachable = new Diagnosis(
            "ProxyUnreachable",
            CheckStatus.Failed,
            "The proxy {0}, through which {1} at {2} is reached, could not be reached. {3}",
            "Check -Proxy (or HTTPS_PROXY): its host, its port, and that it runs.");

        /// <summary>The proxy could not open the tunnel.</summary>
        public static readonly Diagnosis ProxyFailed = new Diagnosis(
            "ProxyFailed",
            CheckStatus.Failed,
            "The proxy could not open a tunnel to {0} at {1}. {2}",
            "Check that the proxy allows CONNECT to the host on port 443, and the -Proxy or HTTPS_PROXY address.");

        // Metadata scan and refreshables.

        /// <summary>The scanner round trip worked.</summary>
        public static readonly Diagnosis ScanSucceeded = new Diagnosis(
            "ScanSucceeded",
            CheckStatus.Passed,
            "Scanned {0} workspace(s) with {1} dataset(s); {2} with tables, {3} with expressions.",
            string.Empty);

        /// <summary>The scan succeeded but no dataset came back with tables.</summary>
        public static readonly Diagnosis DetailedMetadataMissing = new Diagnosis(
            "DetailedMetadataMissing",
            CheckStatus.Warning,
            "The scan succeeded but none of its {0} dataset(s) came back with tables or columns, so the catalog " +
            "will list datasets without their schema.",
            "Enable Admin portal > Tenant settings > Admin API settings > 'Enhance admin APIs responses with " +
            "detailed metadata' (and '... with DAX and mashup expressions') for a security group that holds the " +
            "service principal. Datasets that were never refreshed also come back without tables.");

        /// <summary>The scan succeeded and returned none of the workspaces asked for.</summary>
        public static readonly Diagnosis ScanReturnedNothing = new Diagnosis(
            "ScanReturnedNothing",
            CheckStatus.Warning,
            "The scan succeeded but returned none of the {0} workspace(s) asked for.",
            "Check that the workspace ids exist in this tenant (-WorkspaceId); deleted workspaces and ids from " +
            "another tenant come back empty.");

        /// <summary>Tables came back, expressions did not.</summary>
        public static readonly Diagnosis ExpressionsMissing = new Diagnosis(
            "ExpressionsMissing",
            CheckStatus.Warning,
            "The scan returned tables for {0} dataset(s) but no DAX or M expressions.",
            "Enable Admin portal > Tenant settings > Admin API settings > 'Enhance admin APIs responses with DAX " +
            "and mashup expressions' for a security group that holds the service principal.");

        /// <summary>No expressions, and no tables either: the same cause as the missing tables.</summary>
        public static readonly Diagnosis ExpressionsMissingWithoutTables = new Diagnosis(
            ExpressionsMissing.Reason,
            CheckStatus.Warning,
            "No DAX or M expressions came back either; they come only with detailed metadata, so see " +
            "MetadataScan.DetailedMetadata first.",
            ExpressionsMissing.Remediation);

        /// <summary>scanStatus said Failed.</summary>
        public static readonly Diagnosis ScanFailed = new Diagnosis(
            "ScanFailed",
            CheckStatus.Failed,
            "The scan was accepted but failed on the service's side: {0}",
            "Run again with fewer or other workspaces (-WorkspaceId); if it keeps failing, give Microsoft " +
            "support the scan id and RequestId of this result.");

        /// <summary>The scan did not finish in time.</summary>
        public static readonly Diagnosis ScanTimedOut = new Diagnosis(
            "ScanTimedOut",
            CheckStatus.Failed,
            "The scan was still {0} after {1} s.",
            "Large workspaces take longer: raise -ScanTimeoutSec or scan fewer workspaces (-WorkspaceId).");

        /// <summary>No workspace id to scan.</summary>
        public static readonly Diagnosis NoWorkspaceToScan = new Diagnosis(
            "NoWorkspaceToScan",
            CheckStatus.Skipped,
            "No workspace id is known to scan.",
            "Pass -WorkspaceId, or fix the workspace permission check first.");

        /// <summary>Refreshables were readable.</summary>
        public static readonly Diagnosis RefreshablesReadable = new Diagnosis(
            "RefreshablesReadable",
            CheckStatus.Passed,
            "The tenant's refreshables are readable ({0} in the first page).",
            string.Empty);

        /// <summary>A later check cannot run without a token.</summary>
        public static readonly Diagnosis CredentialScopeFailed = new Diagnosis(
            "CredentialScopeFailed",
            CheckStatus.Skipped,
            "No token could be acquired ({0}).",
            "Fix the credential scope check first.");

        // Workspace listings, one per API.

        /// <summary>The public listing answered with workspaces.</summary>
        public static readonly Diagnosis PublicApiReadable = new Diagnosis(
            "PublicApiReadable",
            CheckStatus.Passed,
            "GET groups shows {0} workspace(s) this identity is a member of.",
            string.Empty);

        /// <summary>The public listing answered, empty.</summary>
        public static readonly Diagnosis NoWorkspaceMembership = new Diagnosis(
            "NoWorkspaceMembership",
            CheckStatus.Warning,
            "GET groups answered, but this identity is a member of no workspace.",
            "Add the service principal, or a security group that holds it, as Member or Admin of the workspaces a " +
            "crawl through the public API should see.");

        /// <summary>The admin listing answered.</summary>
        public static readonly Diagnosis AdminApiReadable = new Diagnosis(
            "AdminApiReadable",
            CheckStatus.Passed,
            "GET admin/groups shows {0} workspace(s) in the tenant.",
            string.Empty);

        /// <summary>The admin listing answered, empty.</summary>
        public static readonly Diagnosis TenantHasNoWorkspaces = new Diagnosis(
            "TenantHasNoWorkspaces",
            CheckStatus.Warning,
            "GET admin/groups answered, and the tenant has no workspace that matches.",
            "Check the filters given (-WorkspaceId, -WorkspaceName, -ExcludePersonalWorkspaces) and that the " +
            "tenant has workspaces.");

        // Scan sub-checks.

        /// <summary>The scanner round trip completed.</summary>
        public static readonly Diagnosis ScanCompleted = new Diagnosis(
            "ScanCompleted",
            CheckStatus.Passed,
            "The scan of {0} workspace(s) completed after {1} status poll(s).",
            string.Empty);

        /// <summary>The scan result repeats top-level keys; read whole, but strict consumers choke on it.</summary>
        public static readonly Diagnosis ScanResultHasDuplicateKeys = new Diagnosis(
            "ScanResultHasDuplicateKeys",
            CheckStatus.Warning,
            "The scan result repeats the top-level key(s) {0}; the preflight read every copy, but a catalog that " +
            "requires unique names may fail on it.",
            "Make sure the catalog's parser tolerates duplicate property names and merges the repeated arrays; " +
            "report the scan id to Microsoft support if it persists.");

        /// <summary>At least one dataset came back with tables and columns.</summary>
        public static readonly Diagnosis DetailedMetadataPresent = new Diagnosis(
            "DetailedMetadataPresent",
            CheckStatus.Passed,
            "{0} of {1} dataset(s) came back with tables and columns.",
            string.Empty);

        /// <summary>At least one dataset came back with expressions.</summary>
        public static readonly Diagnosis ExpressionsPresent = new Diagnosis(
            "ExpressionsPresent",
            CheckStatus.Passed,
            "{0} of {1} dataset(s) came back with DAX or M expressions.",
            string.Empty);

        /// <summary>Lineage fields came back.</summary>
        public static readonly Diagnosis LineagePresent = new Diagnosis(
            "LineagePresent",
            CheckStatus.Passed,
            "The scan carries lineage: {0} data source instance(s), {1} dataset(s) with data source usages.",
            string.Empty);

        /// <summary>No lineage fields came back although lineage was asked for.</summary>
        public static readonly Diagnosis LineageMissing = new Diagnosis(
            "LineageMissing",
            CheckStatus.Warning,
            "The scan was asked for lineage but carries no data sources or data source usages.",
            "Datasets without data sources (pushed or streaming data) have no lineage; if the sampled ones have " +
            "sources, scan other workspaces (-WorkspaceId) to confirm.");

        /// <summary>The sample held no dataset, so metadata could not be judged.</summary>
        public static readonly Diagnosis NoDatasetsInSample = new Diagnosis(
            "NoDatasetsInSample",
            CheckStatus.Skipped,
            "The scanned workspaces hold no dataset, so there was nothing to judge.",
            "Scan workspaces that hold datasets (-WorkspaceId).");

        /// <summary>The scan did not complete, so its content could not be judged.</summary>
        public static readonly Diagnosis ScanDidNotComplete = new Diagnosis(
            "ScanDidNotComplete",
            CheckStatus.Skipped,
            "Skipped because the scan did not complete ({0}).",
            "Fix MetadataScan.Scan first.");

        // Tenant settings, group membership and credential expiry.

        /// <summary>The four settings that matter are on.</summary>
        public static readonly Diagnosis TenantSettingsRead = new Diagnosis(
            "TenantSettingsRead",
            CheckStatus.Passed,
            "The tenant settings a crawl needs are on: {0}.",
            string.Empty);

        /// <summary>The read-only admin API setting is off.</summary>
        public static readonly Diagnosis ReadOnlyAdminApiSettingOff = new Diagnosis(
            "ReadOnlyAdminApiSettingOff",
            CheckStatus.Failed,
            "The tenant setting 'Service principals can access read-only admin APIs' is off. {0}",
            "Enable " + ReadOnlyAdminApiSetting + " for a security group that directly holds the service principal.");

        /// <summary>A setting that shapes the scan's content is off.</summary>
        public static readonly Diagnosis MetadataSettingOff = new Diagnosis(
            "MetadataSettingOff",
            CheckStatus.Warning,
            "Tenant settings that shape the scan are off: {0}",
            "Enable them under Admin portal > Tenant settings > Admin API settings for a security group that holds " +
            "the service principal.");

        /// <summary>The answer lacks some of the settings that matter.</summary>
        public static readonly Diagnosis TenantSettingsIncomplete = new Diagnosis(
            "TenantSettingsIncomplete",
            CheckStatus.Warning,
            "The tenant settings list does not include {0}, so their state is unknown.",
            "Check these settings in the Admin portal by hand; the API may not list them in this cloud yet.");

        /// <summary>The settings could not be read; the check says why.</summary>
        public static readonly Diagnosis TenantSettingsUnreadable = new Diagnosis(
            "TenantSettingsUnreadable",
            CheckStatus.Skipped,
            "The tenant settings could not be read ({0}); their state is judged from the API answers instead.",
            "Reading them needs the read-only admin API setting for the service principal (or a Fabric " +
            "administrator); the other checks do not depend on it.");

        /// <summary>The service principal is a direct member of the groups the settings are scoped to.</summary>
        public static readonly Diagnosis GroupMembershipConfirmed = new Diagnosis(
            "GroupMembershipConfirmed",
            CheckStatus.Passed,
            "The service principal is a direct member of a group of each setting scoped to groups: {0}.",
            string.Empty);

        /// <summary>Not a member of any group of a setting.</summary>
        public static readonly Diagnosis NotInSettingGroup = new Diagnosis(
            "NotInSettingGroup",
            CheckStatus.Failed,
            "The service principal is in none of the security groups of {0}.",
            "Add the service principal directly to one of the security groups listed under that tenant setting, " +
            "or add such a group to the setting; changes take up to 15 minutes to apply.");

        /// <summary>A member only through a nested group.</summary>
        public static readonly Diagnosis NestedGroupMembershipOnly = new Diagnosis(
            "NestedGroupMembershipOnly",
            CheckStatus.Warning,
            "The service principal belongs to the groups of {0} only through nested groups, which Power BI may " +
            "not honour.",
            "Add the service principal directly to a security group listed under the setting.");

        /// <summary>In a group the setting excludes.</summary>
        public static readonly Diagnosis ExcludedBySettingGroup = new Diagnosis(
            "ExcludedBySettingGroup",
            CheckStatus.Failed,
            "The service principal is in a security group that {0} excludes.",
            "Remove the service principal from the excluded group, or the group from the setting's exceptions.");

        /// <summary>Graph refused for lack of an application permission.</summary>
        public static readonly Diagnosis GraphPermissionMissing = new Diagnosis(
            "GraphPermissionMissing",
            CheckStatus.Skipped,
            "Skipped: Microsoft Graph refused {0}; the app needs the application permission Application.Read.All " +
            "(with admin consent) for this sub-check.",
            "Optional: grant the app Microsoft Graph Application.Read.All to let the preflight check group " +
            "membership and credential end dates.");

        /// <summary>No Graph token.</summary>
        public static readonly Diagnosis GraphTokenUnavailable = new Diagnosis(
            "GraphTokenUnavailable",
            CheckStatus.Skipped,
            "Skipped: no Microsoft Graph token could be acquired ({0}).",
            "Optional: this sub-check needs a token for Microsoft Graph in the tenant's cloud.");

        /// <summary>Graph answered something the sub-check could not use.</summary>
        public static readonly Diagnosis GraphUnavailable = new Diagnosis(
            "GraphUnavailable",
            CheckStatus.Skipped,
            "Skipped: Microsoft Graph answered {0}{1}.",
            "Optional sub-check; run again later.");

        /// <summary>The secret in use is valid for more than 30 days.</summary>
        public static readonly Diagnosis SecretValid = new Diagnosis(
            "SecretValid",
            CheckStatus.Passed,
            "The client secret in use ('{0}') is valid until {1:u}, {2} day(s) from now.",
            string.Empty);

        /// <summary>The secret in use ends within 30 days.</summary>
        public static readonly Diagnosis SecretExpiresSoon = new Diagnosis(
            "SecretExpiresSoon",
            CheckStatus.Warning,
            "The client secret in use ('{0}') ends on {1:u}, in {2} day(s); the crawl will fail from then on.",
            "Create a new client secret in " + SecretsBlade + " before that date and update every place that " +
            "stores it.",
            PortalPage.AppCredentials);

        /// <summary>The secret in use has ended (the clock of this machine may be off).</summary>
        public static readonly Diagnosis SecretExpired = new Diagnosis(
            "SecretExpired",
            CheckStatus.Failed,
            "The client secret in use ('{0}') ended on {1:u}.",
            ClientSecretExpired.Remediation,
            PortalPage.AppCredentials);

        /// <summary>No secret on the app matches the one in use.</summary>
        public static readonly Diagnosis SecretNotIdentified = new Diagnosis(
            "SecretNotIdentified",
            CheckStatus.Skipped,
            "Skipped: none of the app's {0} secret(s) starts with the characters of the secret in use.",
            "The app registration read may not be the one in use; check the client id.");

        /// <summary>The application object is not in this tenant.</summary>
        public static readonly Diagnosis AppRegistrationNotFound = new Diagnosis(
            "AppRegistrationNotFound",
            CheckStatus.Skipped,
            "Skipped: the app registration is not in this tenant (a multi-tenant app registered elsewhere).",
            "Check credential end dates in the app's home tenant.");

        // Sign-in by users, certificates, federation, managed identity and given tokens.

        private const string ApiPermissions =
            "Entra ID > App registrations > (the app) > API permissions";

        /// <summary>A user's token came back with what the admin APIs need.</summary>
        public static readonly Diagnosis UserTokenAcquired = new Diagnosis(
            "UserTokenAcquired",
            CheckStatus.Passed,
            "A token for the Power BI API was issued to user {0} through app {1} in tenant {2}; it expires at " +
            "{3:u}.",
            string.Empty);

        /// <summary>A delegated token without Tenant.Read.All or Tenant.ReadWrite.All.</summary>
        public static readonly Diagnosis DelegatedScopeMissing = new Diagnosis(
            "DelegatedScopeMissing",
            CheckStatus.Failed,
            "The user's token carries the scopes '{0}' but neither Tenant.Read.All nor Tenant.ReadWrite.All, " +
            "which the admin and scanner APIs require of a user.",
            "Add the Power BI Service delegated permission Tenant.Read.All under " + ApiPermissions + " and grant " +
            "admin consent.",
            PortalPage.AppPermissions);

        /// <summary>AADSTS50126, AADSTS50034.</summary>
        public static readonly Diagnosis UserCredentialsInvalid = new Diagnosis(
            "UserCredentialsInvalid",
            CheckStatus.Failed,
            "Entra ID rejected the user name or password (or the user is not in this tenant).",
            "Check the user principal name and password. A federated (ADFS) account cannot sign in with a " +
            "password here: use a service principal or -UseDeviceCode.",
            PortalPage.Users);

        /// <summary>Realm discovery says the account is federated; ROPC cannot sign it in.</summary>
        public static readonly Diagnosis FederatedAccountNotSupported = new Diagnosis(
            "FederatedAccountNotSupported",
            CheckStatus.Failed,
            "The account {0} is federated with another identity provider, which signs it in; a user name and " +
            "password cannot be sent to Entra ID for it.",
            "Use -UseDeviceCode for this account, or a service principal (recommended for catalog crawls).");

        /// <summary>Realm discovery does not know the user name's domain, so MSAL cannot sign the user in.</summary>
        public static readonly Diagnosis UserDomainUnknown = new Diagnosis(
            "UserDomainUnknown",
            CheckStatus.Failed,
            "Entra ID does not know the domain of {0}: the realm lookup MSAL makes before a password sign-in " +
            "answered that the account type is unknown.",
            "Check the user name for a typo in its domain; the domain must be one of the tenant's verified domains " +
            "(Entra ID > Custom domain names). A guest account (#EXT#) cannot sign in with a password here: use " +
            "-UseDeviceCode.",
            PortalPage.Users);

        /// <summary>AADSTS50076, AADSTS50079, AADSTS50158.</summary>
        public static readonly Diagnosis MfaRequired = new Diagnosis(
            "MfaRequired",
            CheckStatus.Failed,
            "The user must pass multi-factor authentication (Conditional Access or per-user MFA), which a user " +
            "name and password sign-in cannot do.",
            "Use a service principal in the security group of the read-only admin API setting, or a managed " +
            "identity; for a one-off check, -UseDeviceCode. Excluding the account from MFA is a security " +
            "decision for the tenant's admins.",
            PortalPage.ConditionalAccess);

        /// <summary>AADSTS50053.</summary>
        public static readonly Diagnosis AccountLocked = new Diagnosis(
            "AccountLocked",
            CheckStatus.Failed,
            "The account is locked: too many failed sign-ins, or sign-ins from an address Entra ID considers " +
            "malicious.",
            "Look up the failure reason in Entra ID > Sign-in logs for this user, then wait for the lockout to " +
            "end or have an admin unblock it.",
            PortalPage.Users);

        /// <summary>AADSTS50055.</summary>
        public static readonly Diagnosis PasswordExpired = new Diagnosis(
            "PasswordExpired",
            CheckStatus.Failed,
            "The user's password has expired.",
            "Reset the password (Entra ID > Users > the user > Reset password) and update where it is stored.",
            PortalPage.Users);

        /// <summary>AADSTS50057.</summary>
        public static readonly Diagnosis AccountDisabled = new Diagnosis(
            "AccountDisabled",
            CheckStatus.Failed,
            "The user account is disabled.",
            "Enable the account (Entra ID > Users > the user > 'Account enabled') or use another identity.",
            PortalPage.Users);

        /// <summary>AADSTS700025.</summary>
        public static readonly Diagnosis PublicClientSentCredential = new Diagnosis(
            "PublicClientSentCredential",
            CheckStatus.Failed,
            "The app is a public client, yet a secret or certificate was sent with a user sign-in.",
            "Sign the user in without a client credential, or turn off 'Allow public client flows' under " +
            "Authentication when the app is meant to use its own credential.",
            PortalPage.AppAuthentication);

        /// <summary>AADSTS50012, AADSTS5002741, AADSTS50027: the assertion itself is malformed.</summary>
        public static readonly Diagnosis ClientAssertionInvalid = new Diagnosis(
            "ClientAssertionInvalid",
            CheckStatus.Failed,
            "Entra ID could not accept the signed client assertion because its audience, subject or format is " +
            "wrong.",
            "Use a certificate with an RSA key of 2048 bits or more; make sure the client id is the app's, and " +
            "that the authority is the tenant's token endpoint of the chosen cloud.",
            PortalPage.AppCredentials);

        /// <summary>AADSTS700024.</summary>
        public static readonly Diagnosis ClientAssertionExpired = new Diagnosis(
            "ClientAssertionExpired",
            CheckStatus.Failed,
            "The client assertion is outside its valid time: an expired federated token, or a clock that is off.",
            "For workload identity federation, hand over a fresh token (GitHub and Kubernetes tokens last minutes " +
            "to an hour); otherwise correct this machine's clock.");

        /// <summary>AADSTS70021, AADSTS700211, AADSTS700212, AADSTS700213, AADSTS7002137, AADSTS7002138.</summary>
        public static readonly Diagnosis FederatedCredentialMismatch = new Diagnosis(
            "FederatedCredentialMismatch",
            CheckStatus.Failed,
            "No federated credential on the app matches the token presented: {0}.",
            "Open " + SecretsBlade + " > Federated credentials and make the issuer, subject (case-sensitive: the " +
            "branch, environment or service account exactly) and audience (api://AzureADTokenExchange) match " +
            "what the workload presents.",
            PortalPage.AppCredentials);

        /// <summary>The GitHub Actions runner did not hand out an id token.</summary>
        public static readonly Diagnosis FederatedTokenUnavailable = new Diagnosis(
            "FederatedTokenUnavailable",
            CheckStatus.Failed,
            "The GitHub Actions runner did not hand out an id token ({0}).",
            "Give the job 'permissions: id-token: write' in the workflow, or pass -FederatedToken.");

        /// <summary>The managed identity endpoint refused or was not there.</summary>
        public static readonly Diagnosis ManagedIdentityUnavailable = new Diagnosis(
            "ManagedIdentityUnavailable",
            CheckStatus.Failed,
            "No token came from the managed identity endpoint: {0}",
            "Run on an Azure resource with a managed identity turned on (Identity blade of the Automation account, " +
            "Function App, App Service or VM). For a user-assigned identity, assign it to the resource and pass " +
            "its client id as -ClientId.");

        /// <summary>AADSTS70000 on a device code, or declined at the browser.</summary>
        public static readonly Diagnosis DeviceCodeDeclined = new Diagnosis(
            "DeviceCodeDeclined",
            CheckStatus.Failed,
            "The sign-in with the device code was declined at the browser.",
            "Run again and approve the sign-in; check that the account is the one meant for the crawl.");

        /// <summary>AADSTS70020, or MSAL's code_expired when the code ran out before Entra ID said so.</summary>
        public static readonly Diagnosis DeviceCodeExpired = new Diagnosis(
            "DeviceCodeExpired",
            CheckStatus.Failed,
            "Nobody signed in with the device code before it expired.",
            "Run again and enter the code at the address shown within 15 minutes.");

        /// <summary>AADSTS7000112.</summary>
        public static readonly Diagnosis AppDisabled = new Diagnosis(
            "AppDisabled",
            CheckStatus.Failed,
            "The application is disabled in this tenant.",
            "Enable the enterprise application (Entra ID > Enterprise applications > the app > Properties > " +
            "'Enabled for users to sign-in') or use another app.",
            PortalPage.AppOverview);

        /// <summary>AADSTS50059, AADSTS90019, AADSTS90014, AADSTS900144: a request Entra ID cannot read.</summary>
        public static readonly Diagnosis MalformedTokenRequest = new Diagnosis(
            "MalformedTokenRequest",
            CheckStatus.Failed,
            "Entra ID could not read the sign-in request: {0}",
            "Give a tenant id or domain (not 'common'), and check that nothing between this machine and Entra ID " +
            "rewrites requests.");

        /// <summary>AADSTS50196.</summary>
        public static readonly Diagnosis SignInLoopDetected = new Diagnosis(
            "SignInLoopDetected",
            CheckStatus.Failed,
            "Entra ID saw too many identical sign-in requests in a short time and stopped answering them.",
            "Wait a few minutes; make sure no script calls the preflight in a tight loop.");

        /// <summary>AADSTS50049: MSAL's instance discovery does not know the authority.</summary>
        public static readonly Diagnosis UnknownAuthority = new Diagnosis(
            "UnknownAuthority",
            CheckStatus.Failed,
            "The sign-in host is not one Entra ID knows.",
            "Use -Environment for a national cloud; use -Environment Custom only for a private endpoint.");

        /// <summary>The token of one cloud was presented for another's API.</summary>
        public static readonly Diagnosis CloudMismatch = new Diagnosis(
            "CloudMismatch",
            CheckStatus.Failed,
            "The token is for the Power BI API of the {0} cloud, but this run targets {1}: that API will refuse " +
            "it.",
            "Run with -Environment {0}, or get the token from the {1} cloud's sign-in service.");

        /// <summary>The token's audience is not the Power BI API.</summary>
        public static readonly Diagnosis TokenAudienceMismatch = new Diagnosis(
            "TokenAudienceMismatch",
            CheckStatus.Failed,
            "The token's audience is '{0}', not the Power BI API ('{1}'): Power BI will answer 401.",
            "Request the token for the scope {1}/.default (Get-AzAccessToken -ResourceUrl {1}).");

        /// <summary>The token was issued by another tenant than the one named.</summary>
        public static readonly Diagnosis TokenTenantMismatch = new Diagnosis(
            "TokenTenantMismatch",
            CheckStatus.Failed,
            "The token was issued by tenant {0}, not by tenant {1} that this run checks.",
            "Sign in to the tenant the catalog will crawl, or run with -TenantId {0}.");

        /// <summary>A given access token has expired.</summary>
        public static readonly Diagnosis AccessTokenExpired = new Diagnosis(
            "AccessTokenExpired",
            CheckStatus.Failed,
            "The access token expired at {0:u}.",
            "Get a new token (Get-AzAccessToken, Get-PowerBIAccessToken) and pass it at once.");

        /// <summary>A given access token ends before a crawl could finish.</summary>
        public static readonly Diagnosis AccessTokenExpiresSoon = new Diagnosis(
            "AccessTokenExpiresSoon",
            CheckStatus.Warning,
            "The access token expires at {0:u}, in {1} minute(s); a catalog handed this token cannot renew it, " +
            "so a crawl that lasts longer fails part way.",
            "Give the catalog a credential it can renew (a service principal's secret or certificate) rather " +
            "than a token.");

        /// <summary>A given access token is not a JWT the preflight can read.</summary>
        public static readonly Diagnosis AccessTokenOpaque = new Diagnosis(
            "AccessTokenOpaque",
            CheckStatus.Warning,
            "The access token is not a JSON web token, so its audience, tenant and expiry cannot be checked; the " +
            "calls that follow will show whether Power BI accepts it.",
            "Pass the access token itself, without quotes or a 'Bearer' prefix.");

        /// <summary>A given access token is a JWT, but lacks claims every Entra ID access token carries.</summary>
        public static readonly Diagnosis AccessTokenIncomplete = new Diagnosis(
            "AccessTokenIncomplete",
            CheckStatus.Warning,
            "The access token lacks claims every Entra ID access token carries ({0}), so what they would tell was " +
            "not checked, and the token may not come from Entra ID. The calls that follow will show whether Power " +
            "BI accepts it.",
            "Pass a token Entra ID issued for the Power BI API, such as the one Get-AzAccessToken -ResourceUrl " +
            "https://analysis.windows.net/powerbi/api returns.");

        /// <summary>The certificate in use is valid beyond the warning period.</summary>
        public static readonly Diagnosis CertificateValid = new Diagnosis(
            "CertificateValid",
            CheckStatus.Passed,
            "The certificate in use ({0}) is valid until {1:u}, {2} day(s) from now.",
            string.Empty);

        /// <summary>The certificate in use ends within the warning period.</summary>
        public static readonly Diagnosis CertificateExpiresSoon = new Diagnosis(
            "CertificateExpiresSoon",
            CheckStatus.Warning,
            "The certificate in use ({0}) ends on {1:u}, in {2} day(s); sign-in fails from then on.",
            "Create a new certificate, upload its public key under " + SecretsBlade + " > Certificates, and " +
            "install it wherever the crawler runs before that date.",
            PortalPage.AppCredentials);

        /// <summary>The certificate in use has ended.</summary>
        public static readonly Diagnosis CertificateExpired = new Diagnosis(
            "CertificateExpired",
            CheckStatus.Failed,
            "The certificate in use ({0}) ended on {1:u}.",
            "Create a new certificate, upload its public key under " + SecretsBlade + " > Certificates, and " +
            "install it wherever the crawler runs.",
            PortalPage.AppCredentials);

        /// <summary>The credential kind has nothing the app stores that could expire.</summary>
        public static readonly Diagnosis ExpiryNotApplicable = new Diagnosis(
            "ExpiryNotApplicable",
            CheckStatus.Skipped,
            "Skipped: a sign-in with {0} has no secret or certificate on the app that could expire.",
            string.Empty);

        /// <summary>Graph sub-checks judge a service principal's own credential only.</summary>
        public static readonly Diagnosis GroupMembershipNotApplicable = new Diagnosis(
            "GroupMembershipNotApplicable",
            CheckStatus.Skipped,
            "Skipped: group membership is read for a service principal signing in itself; this run signs in with " +
            "{0}.",
            "For a user, check that the user is a Fabric administrator; for a given token, run with the " +
            "service principal's own credential to read its groups.");

        private static readonly Dictionary<long, Diagnosis> EntraCodes = new Dictionary<long, Diagnosis>
        {
            [7000215] = InvalidClientSecret,
            [7000222] = ClientSecretExpired,
            [7000218] = ClientCredentialMissing,
            [700027] = CertificateNotRegistered,
            [700016] = AppNotFoundInTenant,
            [90002] = TenantNotFound,
            [900023] = MalformedTenant,
            [53003] = BlockedByConditionalAccess,
            [500011] = ResourceNotFound,
            [1002012] = InvalidScope,
            [70011] = InvalidScope,
            [65001] = ConsentRequired,
            [1002016] = TlsVersionTooOld,
            [50076] = MfaRequired,
            [50079] = MfaRequired,
            [50158] = MfaRequired,
            [50126] = UserCredentialsInvalid,
            [50034] = UserCredentialsInvalid,
            [50053] = AccountLocked,
            [50055] = PasswordExpired,
            [50057] = AccountDisabled,
            [700025] = PublicClientSentCredential,
            [50012] = ClientAssertionInvalid,
            [5002741] = ClientAssertionInvalid,
            [50027] = ClientAssertionInvalid,
            [700024] = ClientAssertionExpired,
            [70021] = FederatedCredentialMismatch,
            [700211] = FederatedCredentialMismatch,
            [700212] = FederatedCredentialMismatch,
            [700213] = FederatedCredentialMismatch,
            [7002137] = FederatedCredentialMismatch,
            [7002138] = FederatedCredentialMismatch,
            [70000] = DeviceCodeDeclined,
            [70020] = DeviceCodeExpired,
            [7000112] = AppDisabled,
            [50059] = MalformedTokenRequest,
            [90019] = MalformedTokenRequest,
            [90014] = MalformedTokenRequest,
            [900144] = MalformedTokenRequest,
            [50196] = SignInLoopDetected,
            [50049] = UnknownAuthority,
        };

        /// <summary>The diagnosis for an AADSTS code, or <see cref="TokenRequestFailed"/> when it is unknown.</summary>
        public static Diagnosis ForEntraCode(long? code)
        {
            return code.HasValue && EntraCodes.TryGetValue(code.Value, out var known) ? known : TokenRequestFailed;
        }
    }
}
