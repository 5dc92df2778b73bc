using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Diagnosis;
using PbiPreflight.Http;

namespace PbiPreflight.Checks
{
    /// <summary>One tenant setting as the Fabric admin API reports it.</summary>
    internal sealed class TenantSetting
    {
        public string Name { get; set; } = string.Empty;

        public string Title { get; set; } = string.Empty;

        public bool Enabled { get; set; }

        /// <summary>Entra object ids of the groups the setting is enabled for; empty means everyone.</summary>
        public IReadOnlyList<string> Groups { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> GroupNames { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> ExcludedGroups { get; set; } = Array.Empty<string>();

        public bool ScopedToGroups => Groups.Count > 0;

        /// <summary>How the setting reads in a message: its portal title and state.</summary>
        public string Describe()
        {
            var scope = !Enabled
                ? "off"
                : ScopedToGroups ? "on for " + string.Join(", ", GroupNames) : "on for everyone";
            return "'" + Title + "' " + scope;
        }
    }

    /// <summary>
    /// Reads the tenant settings a crawl depends on from the Fabric admin API, where the identity may, and says
    /// which are off. Matching is on <c>settingName</c>; titles change.
    /// </summary>
    internal static class TenantSettingsCheck
    {
        public const string Path = "tenantsettings";

        public const string PublicApis = "ServicePrincipalAccessPermissionAPIs";

        public const string PublicApisBefore = "ServicePrincipalAccess";

        public const string ReadOnlyAdminApis = "AllowServicePrincipalsUseReadAdminAPIs";

        public const string DetailedMetadata = "AdminApisIncludeDetailedMetadata";

        public const string Expressions = "AdminApisIncludeExpressions";

        /// <summary>The settings in the order the sub-checks report them.</summary>
        public static readonly string[] Relevant = { PublicApis, ReadOnlyAdminApis, DetailedMetadata, Expressions };

        /// <summary>About 170 settings, never seen split into pages by the service; a few pages are plenty.</summary>
        private const int MaxPages = 10;

        public static async Task<(CheckResult Result, IReadOnlyDictionary<string, TenantSetting>? Settings)> RunAsync(
            PreflightSession session,
            CancellationToken cancellation)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var result = session.NewResult(CheckIds.TenantSettings);
            var settings = new Dictionary<string, TenantSetting>(StringComparer.OrdinalIgnoreCase);
            var path = Path;
            ApiResponse response;
            var pages = 0;
            do
            {
                response = await session.Fabric.GetAsync(path, cancellation).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    result.Duration = stopwatch.Elapsed;
                    return (Unreadable(session, result, response), null);
                }

                var page = Read(response, out var continuation);
                if (page is null)
                {
                    // A page that is not a settings list: a wrong -FabricBaseUri or a portal, worth a warning.
                    result.Duration = stopwatch.Elapsed;
                    result.JudgeShape(response, "JSON without a 'value' list of settings", session.Redactor);
                    result.Status = CheckStatus.Warning;
                    return (result, null);
                }

                foreach (var pair in page)
                {
                    settings[pair.Key] = pair.Value;
                }

                path = continuation is null ? null : Path + "?continuationToken=" + Uri.EscapeDataString(continuation);
            }
            while (path != null && ++pages < MaxPages);

            result.Duration = stopwatch.Elapsed;
            AdoptOlderName(settings);
            if (!Relevant.Any(settings.ContainsKey))
            {
                result.HttpStatus = response.Status;
                result.Apply(
                    DiagnosisCatalog.TenantSettingsUnreadable,
                    "the answer lists none of the settings a crawl needs");
                return (result, null);
            }

            result.HttpStatus = response.Status;
            result.RequestId = response.RequestId;
            foreach (var name in Relevant)
            {
                if (settings.TryGetValue(name, out var setting))
                {
                    result.Details[name] = setting.Describe();
                }
            }

            Judge(result, settings);
            return (result, settings);
        }

        private static void Judge(CheckResult result, IReadOnlyDictionary<string, TenantSetting> settings)
        {
            settings.TryGetValue(ReadOnlyAdminApis, out var adminApis);
            if (adminApis is { Enabled: false })
            {
                result.Apply(DiagnosisCatalog.ReadOnlyAdminApiSettingOff, string.Empty);
                return;
            }

            var off = new[] { PublicApis, DetailedMetadata, Expressions }
                .Where(settings.ContainsKey)
                .Select(name => settings[name])
                .Where(setting => !setting.Enabled)
                .Select(setting => "'" + setting.Title + "'")
                .ToList();
            if (off.Count > 0)
            {
                result.Apply(DiagnosisCatalog.MetadataSettingOff, string.Join(", ", off) + ".");
                return;
            }

            // A setting the answer does not list is unknown, not on.
            var missing = Relevant.Where(name => !settings.ContainsKey(name)).ToList();
            if (missing.Count > 0)
            {
                result.Apply(DiagnosisCatalog.TenantSettingsIncomplete, string.Join(", ", missing));
                return;
            }

            var on = Relevant.Where(settings.ContainsKey).Select(name => settings[name].Describe());
            result.Apply(DiagnosisCatalog.TenantSettingsRead, string.Join("; ", on));
        }

        private static CheckResult Unreadable(PreflightSession session, CheckResult result, ApiResponse response)
        {
            result.WithEvidence(response, session.Redactor);
            result.ErrorCode = FabricErrorCode(response) ?? result.ErrorCode;
            if (response.Status == 429)
            {
                return session.JudgeFailure(result, response, ApiKind.Admin, null);
            }

            var why = response.TransportFailure != null
                ? Verdicts.Describe(response.TransportFailure)
                : response.Operation + " answered " + response.Status +
                    (result.ErrorCode is null ? string.Empty : " " + result.ErrorCode);
            return result.Apply(DiagnosisCatalog.TenantSettingsUnreadable, session.Redactor.Redact(why));
        }

        /// <summary>Fabric's error code: the body's <c>errorCode</c>, or the header that repeats it.</summary>
        private static string? FabricErrorCode(ApiResponse response)
        {
            using var document = response.TryParseJson(out _);
            return document is null ? null : JsonText.String(document.RootElement, "errorCode");
        }

        /// <summary>Reads <c>value</c>, or <c>tenantSettings</c> as the service named the list before 2025.</summary>
        internal static IReadOnlyDictionary<string, TenantSetting>? Read(ApiResponse response)
        {
            var settings = Read(response, out _);
            if (settings != null)
            {
                AdoptOlderName(settings);
            }

            return settings;
        }

        /// <summary>One page of settings, and the token of the next page when there is one.</summary>
        private static Dictionary<string, TenantSetting>? Read(ApiResponse response, out string? continuation)
        {
            continuation = null;
            using var document = response.TryParseJson(out _);
            if (document is null)
            {
                return null;
            }

            continuation = JsonText.String(document.RootElement, "continuationToken");

            var root = document.RootElement;
            var list = JsonText.Array(root, "value") ?? JsonText.Array(root, "tenantSettings");
            if (list is null)
            {
                return null;
            }

            var settings = new Dictionary<string, TenantSetting>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in list.Value.EnumerateArray())
            {
                var name = JsonText.String(item, "settingName");
                if (name is null)
                {
                    continue;
                }

                settings[name] = new TenantSetting
                {
                    Name = name,
                    Title = JsonText.String(item, "title") ?? name,
                    Enabled = string.Equals(
                        JsonText.String(item, "enabled"),
                        "true",
                        StringComparison.OrdinalIgnoreCase),
                    Groups = GroupField(item, "enabledSecurityGroups", "graphId"),
                    GroupNames = GroupField(item, "enabledSecurityGroups", "name"),
                    ExcludedGroups = GroupField(item, "excludedSecurityGroups", "graphId"),
                };
            }

            return settings;
        }

        // During the service's renaming a tenant may report only the older public API setting.
        private static void AdoptOlderName(Dictionary<string, TenantSetting> settings)
        {
            if (!settings.ContainsKey(PublicApis) && settings.TryGetValue(PublicApisBefore, out var before))
            {
                settings[PublicApis] = before;
            }
        }

        private static IReadOnlyList<string> GroupField(JsonElement item, string list, string field)
        {
            var groups = JsonText.Array(item, list);
            return groups is null
                ? Array.Empty<string>()
                : groups.Value.EnumerateArray()
                    .Select(group => JsonText.String(group, field))
                    .Where(value => !string.IsNullOrEmpty(value))
                    .Select(value => value!)
                    .ToList();
        }
    }
}
