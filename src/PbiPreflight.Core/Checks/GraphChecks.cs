using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;

namespace PbiPreflight.Checks
{
    /// <summary>
    /// The sub-checks that read Microsoft Graph with a second token: whether the service principal is in the
    /// groups the tenant settings are scoped to, and when the secret in use ends. Both are optional: where Graph
    /// refuses, they are skipped with the permission the app lacks.
    /// </summary>
    internal static class GraphChecks
    {
        public const string GroupMembership = CheckIds.TenantSettings + ".GroupMembership";

        public const string Expiry = CheckIds.CredentialScope + ".Expiry";

        /// <summary>Pages of 100 memberships; beyond 2,000 groups a service principal is not judged fully.</summary>
        private const int MaxGroupPages = 20;

        /// <summary>Warn this long before the secret in use ends.</summary>
        internal static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

        public static async Task<CheckResult> GroupMembershipAsync(
            PreflightSession session,
            Task<(CheckResult Result, IReadOnlyDictionary<string, TenantSetting>? Settings)> tenantSettings,
            CancellationToken cancellation)
        {
            var result = session.NewResult(GroupMembership);
            var (settingsResult, settings) = await tenantSettings.ConfigureAwait(false);
            if (settings is null)
            {
                return result.Apply(DiagnosisCatalog.TenantSettingsUnreadable, settingsResult.Reason);
            }

            var scoped = TenantSettingsCheck.Relevant
                .Where(settings.ContainsKey)
                .Select(name => settings[name])
                .Where(setting => setting.Enabled && (setting.ScopedToGroups || setting.ExcludedGroups.Count > 0))
                .ToList();
            if (scoped.Count == 0)
            {
                return result.Apply(DiagnosisCatalog.GroupMembershipConfirmed, "no setting is scoped to groups");
            }

            var credential = session.Connection.Credential;
            if (credential.IsDelegated || credential is AccessTokenCredential)
            {
                return result.Apply(DiagnosisCatalog.GroupMembershipNotApplicable, credential.Kind);
            }

            // A system-assigned managed identity is named by no client id; its token says which app it is.
            var appId = await AppIdAsync(session, cancellation).ConfigureAwait(false);
            var principal = "servicePrincipals(appId='" + Uri.EscapeDataString(appId) + "')";
            var direct = await GroupsAsync(session, result, principal + "/memberOf", cancellation)
                .ConfigureAwait(false);
            var transitive = direct is null
                ? null
                : await GroupsAsync(session, result, principal + "/transitiveMemberOf", cancellation)
                    .ConfigureAwait(false);
            if (direct is null || transitive is null)
            {
                return result;
            }

            result.Details["DirectGroups"] = direct.ToList();
            result.Details["AllGroups"] = transitive.ToList();
            return Judge(result, scoped, direct, transitive);
        }

        public static async Task<CheckResult> ExpiryAsync(PreflightSession session, CancellationToken cancellation)
        {
            var result = session.NewResult(Expiry);
            switch (session.Connection.Credential)
            {
                case CertificateCredential certificate:
                    return JudgeCertificate(session, result, certificate);
                case ClientSecretCredential _:
                    break;
                default:
                    var kind = session.Connection.Credential.SignsInWith;
                    return result.Apply(DiagnosisCatalog.ExpiryNotApplicable, kind);
            }

            var appId = Uri.EscapeDataString(session.Connection.ClientId);
            var path = "applications(appId='" + appId + "')" +
                "?$select=id,appId,displayName,passwordCredentials,keyCredentials";
            var response = await GetAsync(session, result, path, cancellation).ConfigureAwait(false);
            if (response is null)
            {
                return result;
            }

            using var document = response.TryParseJson(out _);
            var secrets = document is null ? null : JsonText.Array(document.RootElement, "passwordCredentials");
            if (secrets is null)
            {
                return result.JudgeShape(response, "JSON without 'passwordCredentials'", session.Redactor);
            }

            result.HttpStatus = response.Status;
            result.RequestId = response.RequestId;
            return JudgeSecrets(session, result, secrets.Value);
        }

        private static CheckResult Judge(
            CheckResult result,
            IReadOnlyList<TenantSetting> scoped,
            ISet<string> direct,
            ISet<string> transitive)
        {
            var excluded = scoped.Where(setting => setting.ExcludedGroups.Any(transitive.Contains)).ToList();
            if (excluded.Count > 0)
            {
                return result.Apply(DiagnosisCatalog.ExcludedBySettingGroup, Titles(excluded));
            }

            var groupScoped = scoped.Where(setting => setting.ScopedToGroups).ToList();
            var outside = groupScoped.Where(setting => !setting.Groups.Any(transitive.Contains)).ToList();
            var nestedOnly = groupScoped
                .Where(setting => setting.Groups.Any(transitive.Contains) && !setting.Groups.Any(direct.Contains))
                .ToList();
            foreach (var setting in groupScoped)
            {
                result.Details[setting.Name] = setting.Groups.Any(direct.Contains)
                    ? "direct member"
                    : setting.Groups.Any(transitive.Contains) ? "member through nesting" : "not a member";
            }

            if (outside.Count > 0)
            {
                var diagnosis = DiagnosisCatalog.NotInSettingGroup;
                result.Apply(diagnosis, Titles(outside));

                // Outside the groups of a setting that only shapes the scan's content is a warning, not a wall.
                if (outside.All(setting => setting.Name != TenantSettingsCheck.ReadOnlyAdminApis &&
                    setting.Name != TenantSettingsCheck.PublicApis))
                {
                    result.Status = CheckStatus.Warning;
                }

                return result;
            }

            return nestedOnly.Count > 0
                ? result.Apply(DiagnosisCatalog.NestedGroupMembershipOnly, Titles(nestedOnly))
                : result.Apply(DiagnosisCatalog.GroupMembershipConfirmed, Titles(groupScoped));
        }

        private static async Task<string> AppIdAsync(PreflightSession session, CancellationToken cancellation)
        {
            if (!string.IsNullOrEmpty(session.Connection.ClientId))
            {
                return session.Connection.ClientId;
            }

            var claims = await session.ClaimsAsync(cancellation).ConfigureAwait(false);
            return claims?.AppId ?? string.Empty;
        }

        // The certificate is on this machine, so its end date needs no call; Entra ID refuses it from that date.
        private static CheckResult JudgeCertificate(
            PreflightSession session,
            CheckResult result,
            CertificateCredential credential)
        {
            var certificate = credential.Certificate!;
            var end = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var now = session.TimeProvider.GetUtcNow();
            var daysLeft = (int)Math.Floor((end - now).TotalDays);
            var name = certificate.Subject + ", " + certificate.Thumbprint;
            result.Details["CertificateSubject"] = certificate.Subject;
            result.Details["CertificateThumbprint"] = certificate.Thumbprint;
            result.Details["CertificateNotAfter"] = end;
            if (end <= now)
            {
                return result.Apply(DiagnosisCatalog.CertificateExpired, name, end);
            }

            return daysLeft < credential.ExpiryWarningDays
                ? result.Apply(DiagnosisCatalog.CertificateExpiresSoon, name, end, daysLeft)
                : result.Apply(DiagnosisCatalog.CertificateValid, name, end, daysLeft);
        }

        private static CheckResult JudgeSecrets(PreflightSession session, CheckResult result, JsonElement secrets)
        {
            // Graph shows the first three characters of each secret as its hint; the one in use shares them.
            var secret = session.Connection.RevealSecret();
            var hint = secret.Length >= 3 ? secret.Substring(0, 3) : secret;
            var now = session.TimeProvider.GetUtcNow();
            var all = secrets.EnumerateArray()
                .Select(item => new
                {
                    Name = JsonText.String(item, "displayName") ?? JsonText.String(item, "keyId") ?? "secret",
                    KeyId = JsonText.String(item, "keyId"),
                    Hint = JsonText.String(item, "hint"),
                    End = ParseDate(JsonText.String(item, "endDateTime")),
                })
                .ToList();
            var inUse = all.Where(item => string.Equals(item.Hint, hint, StringComparison.Ordinal) && item.End.HasValue)
                .OrderByDescending(item => item.End)
                .FirstOrDefault();
            var othersEnded = all.Where(item => item != inUse && item.End < now).Select(item => item.Name).ToList();
            result.Details["SecretsOnApp"] = all.Count;
            if (othersEnded.Count > 0)
            {
                result.Details["OtherSecretsEnded"] = othersEnded;
            }

            if (inUse is null)
            {
                return result.Apply(DiagnosisCatalog.SecretNotIdentified, all.Count);
            }

            var end = inUse.End!.Value;
            var daysLeft = (int)Math.Floor((end - now).TotalDays);
            result.Details["SecretKeyId"] = inUse.KeyId;
            result.Details["SecretEndDateTime"] = end;
            result.Details["DaysLeft"] = daysLeft;
            var diagnosis = end <= now
                ? DiagnosisCatalog.SecretExpired
                : end - now <= ExpiryWarning ? DiagnosisCatalog.SecretExpiresSoon : DiagnosisCatalog.SecretValid;
            result.Apply(diagnosis, inUse.Name, end, daysLeft);
            if (othersEnded.Count > 0)
            {
                result.Message += " " + Messages.Format(Messages.OtherSecretsEnded, string.Join(", ", othersEnded));
            }

            return result;
        }

        private static async Task<ISet<string>?> GroupsAsync(
            PreflightSession session,
            CheckResult result,
            string path,
            CancellationToken cancellation)
        {
            var groups = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string? next = path + "?$select=id";
            for (var page = 0; next != null && page < MaxGroupPages; page++)
            {
                var response = await GetAsync(session, result, next, cancellation).ConfigureAwait(false);
                if (response is null)
                {
                    return null;
                }

                using var document = response.TryParseJson(out _);
                var items = document is null ? null : JsonText.Array(document.RootElement, "value");
                if (items is null)
                {
                    result.JudgeShape(response, "JSON without a 'value' list", session.Redactor);
                    return null;
                }

                // Directory roles come back too; only groups can be named by a tenant setting.
                groups.UnionWith(items.Value.EnumerateArray()
                    .Where(item => (JsonText.String(item, "@odata.type") ?? "#microsoft.graph.group")
                        .EndsWith(".group", StringComparison.OrdinalIgnoreCase))
                    .Select(item => JsonText.String(item, "id"))
                    .Where(id => id != null)
                    .Select(id => id!));
                next = NextPage(session, JsonText.String(document!.RootElement, "@odata.nextLink"));
            }

            return groups;
        }

        /// <summary>The next page's address, followed only on the Graph host the module was pointed at.</summary>
        private static string? NextPage(PreflightSession session, string? nextLink)
        {
            var graph = session.Connection.Endpoints.GraphBaseUri;
            return Uri.TryCreate(nextLink, UriKind.Absolute, out var next) &&
                next.Scheme == Uri.UriSchemeHttps &&
                string.Equals(next.Authority, graph.Authority, StringComparison.OrdinalIgnoreCase)
                ? next.AbsoluteUri
                : null;
        }

        /// <summary>A Graph GET; on any refusal the result is decided and null comes back.</summary>
        private static async Task<ApiResponse?> GetAsync(
            PreflightSession session,
            CheckResult result,
            string path,
            CancellationToken cancellation)
        {
            var token = await session.GraphTokenOutcomeAsync(cancellation).ConfigureAwait(false);
            if (!token.Succeeded)
            {
                var why = token.Error?.ErrorCode ??
                    (token.Failure is null ? "no answer" : Verdicts.Describe(token.Failure));
                result.ErrorCode = token.Error?.ErrorCode;
                result.HttpStatus = token.HttpStatus;
                result.Apply(DiagnosisCatalog.GraphTokenUnavailable, session.Redactor.Redact(why));
                return null;
            }

            var response = await session.Graph.GetAsync(path, cancellation).ConfigureAwait(false);
            if (response.IsSuccess)
            {
                return response;
            }

            result.WithEvidence(response, session.Redactor);
            result.ErrorCode = GraphErrorCode(response);
            if (response.Status == 403)
            {
                result.Apply(DiagnosisCatalog.GraphPermissionMissing, response.Operation);
            }
            else if (response.Status == 404 && path.StartsWith("applications", StringComparison.Ordinal))
            {
                result.Apply(DiagnosisCatalog.AppRegistrationNotFound);
            }
            else if (response.Status == 429)
            {
                session.JudgeFailure(result, response, ApiKind.Admin, null);
            }
            else
            {
                // No status means no answer: the transport's own words say why. Otherwise the status and Graph's
                // error code, when it gave one.
                var answer = response.Status == 0 ? "nothing" : response.Status.ToString(CultureInfo.InvariantCulture);
                var detail = response.Status == 0
                    ? (response.TransportFailure is null
                        ? string.Empty
                        : ": " + session.Redactor.Redact(response.TransportFailure.Message))
                    : (result.ErrorCode is null ? string.Empty : " (" + result.ErrorCode + ")");
                result.Apply(DiagnosisCatalog.GraphUnavailable, answer, detail);
            }

            return null;
        }

        private static string? GraphErrorCode(ApiResponse response)
        {
            using var document = response.TryParseJson(out _);
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            return JsonText.String(error, "code");
        }

        private static DateTimeOffset? ParseDate(string? text)
        {
            return DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var value)
                ? value
                : null;
        }

        private static string Titles(IEnumerable<TenantSetting> settings)
        {
            return string.Join(", ", settings.Select(setting => "'" + setting.Title + "'"));
        }
    }
}
