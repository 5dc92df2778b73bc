using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PbiPreflight.Emulator;

/// <summary>A scenario that was found, merged with its bases and checked.</summary>
/// <param name="Name">The name reported on the ready line (file name without extension).</param>
/// <param name="Path">The scenario file.</param>
/// <param name="Model">The tenant model.</param>
public sealed record LoadedScenario(string Name, string Path, Scenario Model);

/// <summary>Thrown when a scenario cannot be found, read or makes no sense.</summary>
public sealed class ScenarioException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Finds a scenario by shipped name or path, applies its <c>base</c> chain (a child's top-level
/// fields replace the base's) and reads the result into a <see cref="Scenario"/>.
/// </summary>
public static partial class ScenarioLoader
{
    // A bound that catches a typo (a size in bytes, say) before it fills someone's disk.
    private const int MaxHugeBodyMegabytes = 100_000;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,

        // A misspelt field would otherwise be ignored silently and the scenario would test something else.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The folder holding the shipped scenarios, next to the emulator's assembly.</summary>
    public static string ShippedDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "Scenarios");

    /// <summary>Loads the scenario named or pointed at by <paramref name="nameOrPath"/>.</summary>
    public static LoadedScenario Load(string nameOrPath)
    {
        var path = Resolve(nameOrPath, Environment.CurrentDirectory);
        var merged = LoadMerged(path, []);

        Scenario model;
        try
        {
            model = merged.Deserialize<Scenario>(SerializerOptions)
                ?? throw new ScenarioException($"Scenario '{path}' is empty.");
        }
        catch (JsonException exception)
        {
            throw new ScenarioException($"Scenario '{path}' does not fit the model: {exception.Message}", exception);
        }

        Validate(model, path);
        return new LoadedScenario(System.IO.Path.GetFileNameWithoutExtension(path), path, model);
    }

    private static string Resolve(string nameOrPath, string relativeTo)
    {
        // A bare name (no separator, no extension) means a shipped scenario; anything else is a path.
        var looksLikeName = nameOrPath.IndexOfAny(['/', '\\']) < 0
            && !nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

        var path = looksLikeName
            ? System.IO.Path.Combine(ShippedDirectory, nameOrPath + ".json")
            : System.IO.Path.GetFullPath(nameOrPath, relativeTo);

        if (!File.Exists(path))
        {
            var shipped = Directory.Exists(ShippedDirectory)
                ? string.Join(", ", Directory.GetFiles(ShippedDirectory, "*.json")
                    .Select(System.IO.Path.GetFileNameWithoutExtension)
                    .Order(StringComparer.Ordinal))
                : "(none)";
            throw new ScenarioException(looksLikeName
                ? $"Unknown scenario '{nameOrPath}'. Shipped scenarios: {shipped}."
                : $"Scenario file '{path}' does not exist.");
        }

        return path;
    }

    private static JsonObject LoadMerged(string path, HashSet<string> chain)
    {
        if (!chain.Add(path))
        {
            throw new ScenarioException($"Scenario '{path}' is its own base.");
        }

        JsonObject own;
        try
        {
            own = JsonNode.Parse(File.ReadAllText(path), documentOptions: DocumentOptions) as JsonObject
                ?? throw new ScenarioException($"Scenario '{path}' is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new ScenarioException($"Scenario '{path}' is not valid JSON: {exception.Message}", exception);
        }

        var directory = System.IO.Path.GetDirectoryName(path)!;
        ExpandCaseReferences(own, directory);

        if (own["base"] is not JsonValue baseValue || !baseValue.TryGetValue<string>(out var baseName))
        {
            return own;
        }

        var merged = LoadMerged(Resolve(baseName, directory), chain);
        foreach (var (name, value) in own)
        {
            if (name != "base")
            {
                merged[name] = value?.DeepClone();
            }
        }

        merged.Remove("base");
        return merged;
    }

    private static void ExpandCaseReferences(JsonObject scenario, string directory)
    {
        // An override may name a recorded case file instead of spelling out the response; fields
        // written next to "case" win over the ones taken from the case.
        if (scenario["overrides"] is not JsonArray overrides)
        {
            return;
        }

        foreach (var item in overrides.OfType<JsonObject>())
        {
            if (item["case"] is not JsonValue caseValue || !caseValue.TryGetValue<string>(out var casePath))
            {
                continue;
            }

            casePath = System.IO.Path.GetFullPath(casePath, directory);
            JsonNode? recorded;
            try
            {
                recorded = JsonNode.Parse(File.ReadAllText(casePath), documentOptions: DocumentOptions);
            }
            catch (Exception exception) when (exception is IOException or JsonException)
            {
                throw new ScenarioException($"Case file '{casePath}' cannot be read: {exception.Message}", exception);
            }

            var request = recorded?["request"];
            var response = recorded?["response"];
            if (request?["path"]?.GetValue<string>() is not { } recordedPath || response is null)
            {
                throw new ScenarioException($"Case file '{casePath}' has no request.path or response.");
            }

            item.Remove("case");
            item.TryAdd("method", request["method"]?.DeepClone());
            item.TryAdd("path", "^" + Regex.Escape(recordedPath) + @"(\?|$)");
            item.TryAdd("status", response["status"]?.DeepClone() ?? 200);
            item.TryAdd("headers", response["headers"]?.DeepClone() ?? new JsonObject());
            item.TryAdd("body", response["body"]?.DeepClone());
        }
    }

    private static IEnumerable<string> Duplicates(IEnumerable<string> ids, string what)
    {
        return ids.GroupBy(id => id, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => $"{what} '{g.Key}' is used more than once");
    }

    private static void Validate(Scenario model, string path)
    {
        var problems = new List<string>();

        if (!Guid.TryParse(model.Tenant.Id, out _))
        {
            problems.Add("tenant.id must be a GUID");
        }

        if (model.LatencyMs < 0 || model.ScanDurationMs < 0 || model.TokenLifetimeSeconds <= 0)
        {
            problems.Add("latencyMs and scanDurationMs must be >= 0, tokenLifetimeSeconds > 0");
        }

        if (model.Tenants is < 1 or > TenantDirectory.MaxTenants)
        {
            problems.Add($"tenants must be between 1 and {TenantDirectory.MaxTenants}");
        }

        if (model.GeneratedWorkspaces is < 0 or > WorkspaceCatalog.MaxGenerated)
        {
            problems.Add($"generatedWorkspaces must be between 0 and {WorkspaceCatalog.MaxGenerated}");
        }

        if (model.Generate is { } generate)
        {
            if (generate.Workspaces is < 0 or > WorkspaceCatalog.MaxGenerated)
            {
                problems.Add($"generate.workspaces must be between 0 and {WorkspaceCatalog.MaxGenerated}");
            }

            if (generate.DatasetsPerWorkspace is < 0 or > WorkspaceCatalog.MaxGeneratedChildren
                || generate.TablesPerDataset is < 0 or > WorkspaceCatalog.MaxGeneratedChildren)
            {
                problems.Add("generate.datasetsPerWorkspace and generate.tablesPerDataset must be between 0 and "
                    + WorkspaceCatalog.MaxGeneratedChildren);
            }

            // Two sizes for one tenant would leave a reader guessing which one counts.
            if (generate.Workspaces > 0 && model.GeneratedWorkspaces > 0)
            {
                problems.Add("give either generatedWorkspaces or generate.workspaces, not both");
            }
        }

        problems.AddRange(Duplicates(model.Groups.Select(g => g.Id), "group id"));

        foreach (var app in model.Apps)
        {
            if (!Guid.TryParse(app.ClientId, out _) || !Guid.TryParse(app.ServicePrincipalId, out _))
            {
                problems.Add($"app '{app.DisplayName}' needs GUID clientId and servicePrincipalId");
            }
        }

        problems.AddRange(Duplicates(model.Workspaces.Select(w => w.Id), "workspace id"));
        problems.AddRange(Duplicates(model.Apps.Select(a => a.ClientId), "app clientId"));
        problems.AddRange(Duplicates(model.Apps.Select(a => a.ServicePrincipalId), "app servicePrincipalId"));
        problems.AddRange(model.Workspaces
            .Where(w => !Guid.TryParse(w.Id, out _))
            .Select(w => $"workspace '{w.Name}' needs a GUID id"));

        problems.AddRange(CredentialProblems(model));

        for (var i = 0; i < model.Overrides.Count; i++)
        {
            var item = model.Overrides[i];
            if (item.Status is < 100 or > 599)
            {
                problems.Add($"overrides[{i}].status must be an HTTP status code");
            }

            try
            {
                _ = new Regex(item.Path);
            }
            catch (ArgumentException exception)
            {
                problems.Add($"overrides[{i}].path is not a valid regular expression: {exception.Message}");
            }
        }

        for (var i = 0; i < model.Faults.Count; i++)
        {
            problems.AddRange(FaultProblems(model.Faults[i], $"faults[{i}]"));
        }

        if (problems.Count > 0)
        {
            throw new ScenarioException($"Scenario '{path}' is not consistent: {string.Join("; ", problems)}.");
        }
    }

    private static IEnumerable<string> CredentialProblems(Scenario model)
    {
        if (model.AccessTokenVersion is not (1 or 2))
        {
            yield return "accessTokenVersion must be 1 or 2";
        }

        var certificateNames = model.ClientCertificates.Select(c => c.Name).ToList();
        foreach (var duplicate in Duplicates(certificateNames, "clientCertificates name"))
        {
            yield return duplicate;
        }

        foreach (var name in certificateNames.Where(n => !CertificateName().IsMatch(n)))
        {
            yield return $"clientCertificates name '{name}' must be letters, digits, '-' or '_' (it names files)";
        }

        foreach (var app in model.Apps)
        {
            var unknown = app.Certificates.Where(n => !certificateNames.Contains(n, StringComparer.OrdinalIgnoreCase));
            foreach (var missing in unknown)
            {
                yield return
                    $"app '{app.DisplayName}' registers certificate '{missing}', which clientCertificates lacks";
            }

            if (app.ManagedIdentity is not (null or "systemAssigned" or "userAssigned"))
            {
                yield return $"app '{app.DisplayName}': managedIdentity must be systemAssigned, userAssigned or null";
            }
        }

        if (model.Apps.Count(a => a.ManagedIdentity == "systemAssigned") > 1)
        {
            yield return "at most one app may be the system-assigned managed identity";
        }

        foreach (var duplicate in Duplicates(model.Users.Select(u => u.UserPrincipalName), "user")
            .Concat(Duplicates(model.Users.Select(u => u.ObjectId), "user objectId")))
        {
            yield return duplicate;
        }

        var malformed = model.Users.Where(u => !Guid.TryParse(u.ObjectId, out _) || !u.UserPrincipalName.Contains('@'));
        foreach (var user in malformed)
        {
            yield return $"user '{user.UserPrincipalName}' needs a GUID objectId and a name with '@'";
        }

        var deviceCode = model.DeviceCode;
        if (deviceCode.Outcome is not
            (DeviceCodeOutcomes.Approve or DeviceCodeOutcomes.Decline or DeviceCodeOutcomes.Expire))
        {
            yield return "deviceCode.outcome must be approve, decline or expire";
        }

        if (deviceCode.ApproveAfterMs < 0 || deviceCode.ExpiresInSeconds <= 0 || deviceCode.IntervalSeconds < 0)
        {
            yield return "deviceCode: approveAfterMs and intervalSeconds must be >= 0, expiresInSeconds > 0";
        }

        if (deviceCode.User is { } deviceUser
            && !model.Users.Any(u =>
                string.Equals(u.UserPrincipalName, deviceUser, StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"deviceCode.user '{deviceUser}' is not one of users";
        }
    }

    private static IEnumerable<string> FaultProblems(FaultDefinition fault, string name)
    {
        if (RegexProblem(fault.Path) is { } regexProblem)
        {
            yield return $"{name}.path is not a valid regular expression: {regexProblem}";
        }

        if (fault.Statuses is { } statuses && statuses.Any(s => s != 0 && s is < 100 or > 599))
        {
            yield return $"{name}.statuses must be HTTP status codes or 0 (the model answers)";
        }

        if (fault.Then is { } then && !then.Equals(FaultThen.Model, StringComparison.Ordinal))
        {
            yield return $"{name}.then must be \"{FaultThen.Model}\" or left out (the last status repeats)";
        }

        foreach (var value in fault.RetryAfter ?? [])
        {
            var text = value?.ToString();
            if (text is not null && text.Length > 0 && !Faults.IsRetryAfter(text))
            {
                yield return $"{name}.retryAfter '{text}' is neither seconds, an HTTP date nor \"+<n>s\"";
            }
        }

        if (fault.LatencyMs < 0 || fault.StallAfterBytes < 0 || fault.Times < 0)
        {
            yield return $"{name}: latencyMs, stallAfterBytes and times must be >= 0";
        }

        if (fault.HugeBodyMegabytes is < 1 or > MaxHugeBodyMegabytes)
        {
            yield return $"{name}.hugeBodyMegabytes must be between 1 and {MaxHugeBodyMegabytes}";
        }

        // Each of these decides the body; two of them would leave a reader guessing which one is sent.
        var bodies = (fault.Body is null ? 0 : 1) + (fault.HtmlBody ? 1 : 0)
            + (fault.HugeBodyMegabytes is null ? 0 : 1);
        if (bodies > 1 || (fault.Reset && (bodies > 0 || fault.StallAfterBytes is not null)))
        {
            yield return $"{name}: give at most one of body, htmlBody and hugeBodyMegabytes, and none of them "
                + "(nor stallAfterBytes) with reset";
        }
    }

    private static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern);
            return null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex CertificateName();
}
