using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

// The tenant model a scenario file describes. Property names are the JSON names in camelCase; the
// schema is summarised in README.md. Everything the emulator answers is derived from these objects.

/// <summary>A whole scenario: one Entra tenant with its Power BI service and injected faults.</summary>
public sealed class Scenario
{
    /// <summary>A shipped scenario name or a path (relative to this file) whose fields this one replaces.</summary>
    public string? Base { get; set; }

    /// <summary>Delay added to every answer, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Time from getInfo until the scan has finished, in milliseconds.</summary>
    public int ScanDurationMs { get; set; } = 300;

    /// <summary>Lifetime of issued access tokens, in seconds.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3599;

    /// <summary>
    /// How many tenants to serve: this model as tenant 0 and copies of it with their own ids and
    /// credentials (see <see cref="TenantDirectory"/>). <c>--tenants</c> on the command line wins.
    /// </summary>
    public int Tenants { get; set; } = 1;

    /// <summary>The directory tenant the emulator serves.</summary>
    public TenantInfo Tenant { get; set; } = new();

    /// <summary>What the ready line reports when it must differ from the first app and its first secret.</summary>
    public UserCredentials? UserTenant { get; set; }

    /// <summary>App registrations with their service principals.</summary>
    public List<AppRegistration> Apps { get; set; } = [];

    /// <summary>Entra security groups.</summary>
    public List<SecurityGroup> Groups { get; set; } = [];

    /// <summary>The Power BI tenant settings that decide service-principal access.</summary>
    public TenantSettings TenantSettings { get; set; } = new();

    /// <summary>Workspaces, in listing order.</summary>
    public List<Workspace> Workspaces { get; set; } = [];

    /// <summary>Number of synthetic empty workspaces appended after <see cref="Workspaces"/>.</summary>
    public int GeneratedWorkspaces { get; set; }

    /// <summary>Synthetic workspaces with datasets and tables, appended after <see cref="Workspaces"/>.</summary>
    public GeneratedTenant? Generate { get; set; }

    /// <summary>Premium or Fabric capacities.</summary>
    public List<Capacity> Capacities { get; set; } = [];

    /// <summary>Datasets listed by the refreshables API.</summary>
    public List<Refreshable> Refreshables { get; set; } = [];

    /// <summary>How scans end.</summary>
    public ScanBehaviour Scan { get; set; } = new();

    /// <summary>Injected faults, checked in order, before overrides.</summary>
    public List<FaultDefinition> Faults { get; set; } = [];

    /// <summary>Raw responses served instead of the model's answer, checked in order.</summary>
    public List<ResponseOverride> Overrides { get; set; } = [];

    /// <summary>The shape of every access token issued: 1 (Entra v1 claims) or 2.</summary>
    public int AccessTokenVersion { get; set; } = 1;

    /// <summary>Certificates the emulator makes and writes for the client side; apps register some by name.</summary>
    public List<ClientCertificateDefinition> ClientCertificates { get; set; } = [];

    /// <summary>User accounts for the delegated grants (ROPC and device code).</summary>
    public List<UserAccount> Users { get; set; } = [];

    /// <summary>How the device code flow ends.</summary>
    public DeviceCodeBehaviour DeviceCode { get; set; } = new();

    /// <summary>When set, the emulator plays the GitHub Actions OIDC token endpoint.</summary>
    public GitHubActionsDefinition? GitHubActions { get; set; }

    /// <summary>When set, the emulator writes an external token file, as a Kubernetes pod gets.</summary>
    public FederatedTokenDefinition? FederatedTokenFile { get; set; }

    /// <summary>True to answer an unmatched federated credential with the older 400 AADSTS70021.</summary>
    public bool LegacyFederationErrors { get; set; }
}

/// <summary>A certificate the emulator makes at start-up and writes as PFX and PEM files.</summary>
public sealed class ClientCertificateDefinition
{
    /// <summary>File base name and key on the ready line.</summary>
    public string Name { get; set; } = "";

    /// <summary>Subject distinguished name; empty means <c>CN=&lt;name&gt;</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>Days from emulator start until the certificate expires; negative means already expired.</summary>
    public double ExpiresInDays { get; set; } = 365;
}

/// <summary>A user account of the tenant.</summary>
public sealed class UserAccount
{
    /// <summary>The sign-in name.</summary>
    public string UserPrincipalName { get; set; } = "";

    /// <summary>Object id (the token's oid).</summary>
    public string ObjectId { get; set; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The password ROPC checks.</summary>
    public string Password { get; set; } = "";

    /// <summary>True when the user's domain is federated with an on-premises identity provider.</summary>
    public bool Federated { get; set; }

    /// <summary>True when MFA is required, which ROPC cannot satisfy.</summary>
    public bool MfaRequired { get; set; }

    /// <summary>False for a disabled account.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>True for an account locked by smart lockout.</summary>
    public bool LockedOut { get; set; }

    /// <summary>True when the password has expired.</summary>
    public bool PasswordExpired { get; set; }

    /// <summary>True when a Conditional Access policy blocks the user's sign-in.</summary>
    public bool BlockedByConditionalAccess { get; set; }

    /// <summary>True when the user holds the Fabric administrator role.</summary>
    public bool FabricAdministrator { get; set; }
}

/// <summary>What happens at the browser after a device code is handed out.</summary>
public sealed class DeviceCodeBehaviour
{
    /// <summary>Who signs in; null means the first user.</summary>
    public string? User { get; set; }

    /// <summary><c>approve</c>, <c>decline</c> or <c>expire</c> (nobody signs in).</summary>
    public string Outcome { get; set; } = DeviceCodeOutcomes.Approve;

    /// <summary>Time from the device code request until the user approves or declines.</summary>
    public int ApproveAfterMs { get; set; } = 2000;

    /// <summary>The code's lifetime (<c>expires_in</c>).</summary>
    public int ExpiresInSeconds { get; set; } = 900;

    /// <summary>The polling interval the client is told.</summary>
    public int IntervalSeconds { get; set; } = 1;
}

/// <summary>The device code outcomes a scenario may choose.</summary>
public static class DeviceCodeOutcomes
{
    /// <summary>The user signs in and approves.</summary>
    public const string Approve = "approve";

    /// <summary>The user declines.</summary>
    public const string Decline = "decline";

    /// <summary>Nobody signs in; the code expires.</summary>
    public const string Expire = "expire";
}

/// <summary>The GitHub Actions runner's OIDC token endpoint.</summary>
public sealed class GitHubActionsDefinition
{
    /// <summary>The <c>sub</c> of the tokens it hands out.</summary>
    public string Subject { get; set; } = "repo:contoso/pbi-crawler:ref:refs/heads/main";

    /// <summary>Lifetime of the tokens, in seconds.</summary>
    public int LifetimeSeconds { get; set; } = 300;
}

/// <summary>An external token written to a file at start-up.</summary>
public sealed class FederatedTokenDefinition
{
    /// <summary>The token's <c>iss</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The token's <c>sub</c>.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The token's <c>aud</c>.</summary>
    public string Audience { get; set; } = FederatedCredential.EntraAudience;

    /// <summary>Lifetime from emulator start, in seconds; negative means already expired.</summary>
    public int LifetimeSeconds { get; set; } = 3600;
}

/// <summary>A federated identity credential on an app registration.</summary>
public sealed class FederatedCredential
{
    /// <summary>The audience Entra expects in external tokens.</summary>
    public const string EntraAudience = "api://AzureADTokenExchange";

    /// <summary>The credential's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The external issuer, compared case-sensitively.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The external subject, compared case-sensitively.</summary>
    public string Subject { get; set; } = "";

    /// <summary>Accepted audiences.</summary>
    public List<string> Audiences { get; set; } = [EntraAudience];
}

/// <summary>The directory tenant: its id and verified domains.</summary>
public sealed class TenantInfo
{
    /// <summary>The tenant id (GUID).</summary>
    public string Id { get; set; } = "";

    /// <summary>Domains that also name the tenant in the authority URL.</summary>
    public List<string> Domains { get; set; } = [];
}

/// <summary>Credentials the ready line reports; each missing field falls back to the model's first app.</summary>
public sealed class UserCredentials
{
    /// <summary>The tenant id a user would type.</summary>
    public string? TenantId { get; set; }

    /// <summary>The client id a user would type.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret a user would type.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The user name a user would type for a delegated sign-in.</summary>
    public string? UserName { get; set; }

    /// <summary>The password a user would type for a delegated sign-in.</summary>
    public string? Password { get; set; }
}

/// <summary>An app registration and its service principal in the tenant.</summary>
public sealed class AppRegistration
{
    /// <summary>Application (client) id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Object id of the app's service principal (the token's oid).</summary>
    public string ServicePrincipalId { get; set; } = "";

    /// <summary>Client secrets.</summary>
    public List<ClientSecret> Secrets { get; set; } = [];

    /// <summary>Power BI application permissions with admin consent; they appear in the token's roles claim.</summary>
    public List<string> ApplicationPermissions { get; set; } = [];

    /// <summary>Microsoft Graph application permissions with admin consent; the roles of a Graph token.</summary>
    public List<string> GraphPermissions { get; set; } = [];

    /// <summary>True when a Conditional Access policy blocks token issuance for this workload.</summary>
    public bool BlockedByConditionalAccess { get; set; }

    /// <summary>Names of <see cref="Scenario.ClientCertificates"/> registered on the app.</summary>
    public List<string> Certificates { get; set; } = [];

    /// <summary>
    /// Subjects accepted through subject-name/issuer authentication (an <c>x5c</c> leaf from the test CA).
    /// </summary>
    public List<string> TrustedCertificateSubjects { get; set; } = [];

    /// <summary>Authentication → "Allow public client flows".</summary>
    public bool AllowPublicClientFlows { get; set; }

    /// <summary>Consented Power BI delegated scopes, e.g. <c>Tenant.Read.All</c>.</summary>
    public List<string> DelegatedPermissions { get; set; } = [];

    /// <summary>Consented Microsoft Graph delegated scopes.</summary>
    public List<string> GraphDelegatedPermissions { get; set; } = [];

    /// <summary>Federated identity credentials.</summary>
    public List<FederatedCredential> FederatedCredentials { get; set; } = [];

    /// <summary>
    /// Null for an app registration; <c>systemAssigned</c> or <c>userAssigned</c> for a managed identity.
    /// </summary>
    public string? ManagedIdentity { get; set; }

    /// <summary>A user-assigned managed identity's Azure resource id.</summary>
    public string? ResourceId { get; set; }
}

/// <summary>A client secret of an app registration.</summary>
public sealed class ClientSecret
{
    /// <summary>The secret's id (what the portal shows as "Secret ID").</summary>
    public string Id { get; set; } = "";

    /// <summary>The secret's value.</summary>
    public string Value { get; set; } = "";

    /// <summary>Days from emulator start until the secret expires; negative means already expired.</summary>
    public double ExpiresInDays { get; set; } = 365;

    /// <summary>The description the portal shows next to the secret.</summary>
    public string DisplayName { get; set; } = "secret";
}

/// <summary>An Entra security group.</summary>
public sealed class SecurityGroup
{
    /// <summary>Object id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Direct members: service principal object ids, or ids of groups nested in this one.</summary>
    public List<string> Members { get; set; } = [];
}

/// <summary>The tenant settings the preflight depends on.</summary>
public sealed class TenantSettings
{
    /// <summary>Developer setting "Service principals can use Fabric APIs" (public APIs such as GET groups).</summary>
    public TenantSetting ServicePrincipalsCanUseApis { get; set; } = new();

    /// <summary>Admin API setting "Service principals can access read-only admin APIs".</summary>
    public TenantSetting ServicePrincipalsCanAccessReadOnlyAdminApis { get; set; } = new();

    /// <summary>Admin API setting "Enhance admin APIs responses with detailed metadata".</summary>
    public TenantSetting EnhanceAdminApisDetailedMetadata { get; set; } = new();

    /// <summary>Admin API setting "Enhance admin APIs responses with DAX and mashup expressions".</summary>
    public TenantSetting EnhanceAdminApisExpressions { get; set; } = new();
}

/// <summary>One tenant setting: on or off, and for which security groups.</summary>
public sealed class TenantSetting
{
    /// <summary>Whether the setting is on. A setting missing from the file is off.</summary>
    public bool Enabled { get; set; }

    /// <summary>Security groups it applies to; empty means the whole organisation.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Security groups whose direct members it never applies to, even when in a listed group.</summary>
    public List<string> ExcludedGroups { get; set; } = [];
}

/// <summary>
/// The size of a synthetic tenant: workspaces made on demand, each with the same number of datasets
/// and tables, so a large tenant costs nothing until a page or a scan asks for part of it.
/// </summary>
public sealed class GeneratedTenant
{
    /// <summary>Number of synthetic active workspaces.</summary>
    public int Workspaces { get; set; }

    /// <summary>Datasets in each synthetic workspace.</summary>
    public int DatasetsPerWorkspace { get; set; }

    /// <summary>Tables in each synthetic dataset.</summary>
    public int TablesPerDataset { get; set; }
}

/// <summary>A Power BI workspace.</summary>
public sealed class Workspace
{
    /// <summary>Workspace id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Optional description.</summary>
    public string? Description { get; set; }

    /// <summary><c>Workspace</c>, <c>PersonalGroup</c>, <c>Personal</c> or <c>Group</c>.</summary>
    public string Type { get; set; } = "Workspace";

    /// <summary><c>Active</c>, <c>Deleted</c>, <c>Removing</c>, ...</summary>
    public string State { get; set; } = "Active";

    /// <summary>Whether the workspace sits on a dedicated capacity.</summary>
    public bool IsOnDedicatedCapacity { get; set; }

    /// <summary>Capacity id when on a dedicated capacity.</summary>
    public string? CapacityId { get; set; }

    /// <summary>Whether the workspace is read-only.</summary>
    public bool IsReadOnly { get; set; }

    /// <summary>Service principal object ids that are workspace members.</summary>
    public List<string> Members { get; set; } = [];

    /// <summary>Other workspace users, passed through as written (GroupUser shape).</summary>
    public List<JsonObject> Users { get; set; } = [];

    /// <summary>Semantic models.</summary>
    public List<Dataset> Datasets { get; set; } = [];

    /// <summary>Reports.</summary>
    public List<Report> Reports { get; set; } = [];
}

/// <summary>A semantic model (dataset) in a workspace.</summary>
public sealed class Dataset
{
    /// <summary>Dataset id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The user or app that configured it.</summary>
    public string? ConfiguredBy { get; set; }

    /// <summary>Storage mode, e.g. <c>Abf</c>.</summary>
    public string TargetStorageMode { get; set; } = "Abf";

    /// <summary>Content provider, e.g. <c>PbixInImportMode</c>.</summary>
    public string ContentProviderType { get; set; } = "PbixInImportMode";

    /// <summary>Creation time (ISO-8601).</summary>
    public string CreatedDate { get; set; } = "2024-01-15T09:30:00Z";

    /// <summary>Tables with columns and measures.</summary>
    public List<DatasetTable> Tables { get; set; } = [];

    /// <summary>Shared M expressions (parameters, queries).</summary>
    public List<DatasetExpression> Expressions { get; set; } = [];

    /// <summary>Data sources; they feed datasourceUsages and the scan's datasourceInstances.</summary>
    public List<Datasource> Datasources { get; set; } = [];

    /// <summary>A never-refreshed dataset has no cached model, so scans return no tables for it.</summary>
    public bool NeverRefreshed { get; set; }

    /// <summary>Set for datasets the scanner cannot read (real-time, live connection, ...).</summary>
    public string? SchemaRetrievalError { get; set; }
}

/// <summary>A table of a dataset.</summary>
public sealed class DatasetTable
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Whether hidden.</summary>
    public bool IsHidden { get; set; }

    /// <summary>Columns.</summary>
    public List<DatasetColumn> Columns { get; set; } = [];

    /// <summary>Measures.</summary>
    public List<DatasetMeasure> Measures { get; set; } = [];

    /// <summary>The table's M query, reported as <c>source</c> when expressions are allowed.</summary>
    public string? Source { get; set; }
}

/// <summary>A column.</summary>
public sealed class DatasetColumn
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Data type, e.g. <c>Int64</c>, <c>String</c>, <c>DateTime</c>.</summary>
    public string DataType { get; set; } = "String";

    /// <summary>Whether hidden.</summary>
    public bool IsHidden { get; set; }
}

/// <summary>A DAX measure.</summary>
public sealed class DatasetMeasure
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>DAX expression, reported only when expressions are allowed.</summary>
    public string Expression { get; set; } = "";

    /// <summary>Whether hidden.</summary>
    public bool IsHidden { get; set; }
}

/// <summary>A shared M expression of a dataset.</summary>
public sealed class DatasetExpression
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>M text.</summary>
    public string Expression { get; set; } = "";
}

/// <summary>A data source of a dataset.</summary>
public sealed class Datasource
{
    /// <summary>Datasource instance id.</summary>
    public string DatasourceId { get; set; } = "";

    /// <summary>Type, e.g. <c>Sql</c>.</summary>
    public string DatasourceType { get; set; } = "Sql";

    /// <summary>Connection details object, passed through as written.</summary>
    public JsonObject ConnectionDetails { get; set; } = [];

    /// <summary>Gateway id, if any.</summary>
    public string? GatewayId { get; set; }
}

/// <summary>A report.</summary>
public sealed class Report
{
    /// <summary>Report id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The dataset it is bound to.</summary>
    public string? DatasetId { get; set; }

    /// <summary>Report type.</summary>
    public string ReportType { get; set; } = "PowerBIReport";
}

/// <summary>A capacity.</summary>
public sealed class Capacity
{
    /// <summary>Capacity id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>SKU, e.g. <c>P1</c> or <c>F64</c>.</summary>
    public string Sku { get; set; } = "P1";

    /// <summary>State.</summary>
    public string State { get; set; } = "Active";

    /// <summary>Azure region.</summary>
    public string Region { get; set; } = "West Europe";
}

/// <summary>A refreshable dataset as the refreshables API reports it.</summary>
public sealed class Refreshable
{
    /// <summary>The dataset id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The dataset name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Kind, <c>Dataset</c>.</summary>
    public string Kind { get; set; } = "Dataset";

    /// <summary>The capacity it refreshes on.</summary>
    public string? CapacityId { get; set; }

    /// <summary>The workspace it lives in.</summary>
    public string? GroupId { get; set; }

    /// <summary>Last refresh status: <c>Completed</c>, <c>Failed</c>, <c>Unknown</c> (in progress), ...</summary>
    public string LastRefreshStatus { get; set; } = "Completed";

    /// <summary>Refreshes in the 7-day window.</summary>
    public int RefreshCount { get; set; } = 14;

    /// <summary>Failed refreshes in the window.</summary>
    public int RefreshFailures { get; set; }

    /// <summary>Accounts that configured the refresh.</summary>
    public List<string> ConfiguredBy { get; set; } = [];
}

/// <summary>How scans of this tenant end.</summary>
public sealed class ScanBehaviour
{
    /// <summary>True when every scan ends <c>Failed</c>.</summary>
    public bool Fails { get; set; }

    /// <summary>The error reported by a failed scan.</summary>
    public ScanError Error { get; set; } = new();
}

/// <summary>The error object of a failed scan (PowerBIApiErrorResponseDetail).</summary>
public sealed class ScanError
{
    /// <summary>Error code.</summary>
    public string Code { get; set; } = "WorkspaceScanFailed";

    /// <summary>Message.</summary>
    public string Message { get; set; } = "The scan could not be completed.";

    /// <summary>Target, if any.</summary>
    public string? Target { get; set; }
}

/// <summary>A raw response served instead of the model's answer.</summary>
public sealed class ResponseOverride
{
    /// <summary>HTTP method to match (case-insensitive); null matches any.</summary>
    public string? Method { get; set; }

    /// <summary>Regular expression searched in path + query (raw as sent, and URL-decoded).</summary>
    public string Path { get; set; } = "";

    /// <summary>Status code to send; null (as in a recording that did not show it) means 200.</summary>
    public int? Status { get; set; } = 200;

    /// <summary>
    /// Headers to send; values may be strings or numbers, and a null Content-Type suppresses the default one.
    /// </summary>
    public Dictionary<string, JsonNode?> Headers { get; set; } = [];

    /// <summary>A string is sent as is; any other JSON value is serialized; null sends no body.</summary>
    public JsonNode? Body { get; set; }

    /// <summary>How many times to answer before falling through; null means always.</summary>
    public int? Times { get; set; }
}

/// <summary>
/// A fault injected on one route: a sequence of statuses, delays, a reset connection, a stalled, HTML or
/// huge body. The Nth matching request takes the Nth entry of <see cref="Statuses"/> and
/// <see cref="RetryAfter"/>; the README describes how the fields combine.
/// </summary>
public sealed class FaultDefinition
{
    /// <summary>HTTP method to match (case-insensitive); null matches any.</summary>
    public string? Method { get; set; }

    /// <summary>Regular expression searched in path + query (raw as sent, and URL-decoded).</summary>
    public string Path { get; set; } = "";

    /// <summary>Status per matching request; 0 means the model answers. Null means a single 200.</summary>
    public List<int>? Statuses { get; set; }

    /// <summary>What follows the last status: null repeats it, <c>model</c> lets the request fall through.</summary>
    public string? Then { get; set; }

    /// <summary>Retry-After per matching request: seconds, an HTTP date, or <c>+Ns</c> for a date N s ahead.</summary>
    public List<JsonNode?>? RetryAfter { get; set; }

    /// <summary>Delay before answering, in milliseconds, for every request the fault takes.</summary>
    public int LatencyMs { get; set; }

    /// <summary>True to abort the connection instead of answering.</summary>
    public bool Reset { get; set; }

    /// <summary>Send the headers and this many bytes of the body, then send nothing more.</summary>
    public int? StallAfterBytes { get; set; }

    /// <summary>True to answer with a sign-in-like HTML page.</summary>
    public bool HtmlBody { get; set; }

    /// <summary>Size of a generated, streamed, valid JSON body in megabytes.</summary>
    public int? HugeBodyMegabytes { get; set; }

    /// <summary>A string is sent as is; any other JSON value is serialized; null means a default body.</summary>
    public JsonNode? Body { get; set; }

    /// <summary>Headers to add, as for overrides.</summary>
    public Dictionary<string, JsonNode?> Headers { get; set; } = [];

    /// <summary>How many matching requests the fault takes before falling through; null means all.</summary>
    public int? Times { get; set; }
}
