using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PbiPreflight.Emulator;

/// <summary>
/// Entry point: a local Microsoft Entra ID, Power BI REST API, Fabric admin API and Microsoft Graph
/// on one loopback HTTPS origin, driven by a scenario file. Standard output carries exactly one
/// line, the ready line; everything else goes to standard error.
/// </summary>
public static class Program
{
    private const int ExitBadArguments = 2;
    private const int ExitStartFailed = 1;

    /// <summary>Runs the emulator until it is stopped or its parent process exits.</summary>
    public static async Task<int> Main(string[] args)
    {
        var options = EmulatorOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"emulator: {error}\n{EmulatorOptions.Usage}");
            return ExitBadArguments;
        }

        LoadedScenario scenario;
        try
        {
            scenario = ScenarioLoader.Load(options.Scenario);
        }
        catch (ScenarioException exception)
        {
            await Console.Error.WriteLineAsync($"emulator: {exception.Message}");
            return ExitBadArguments;
        }

        DateTime? parentStart = null;
        if (options.ParentProcessId is { } parentId)
        {
            parentStart = ParentProcessWatcher.StartTimeOf(parentId);
            if (parentStart is null)
            {
                await Console.Error.WriteLineAsync($"emulator: parent process {parentId} is not running");
                return ExitBadArguments;
            }
        }

        CertificateAuthority authority;
        try
        {
            authority = CertificateAuthority.LoadOrCreate(options.CaDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException
            or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"emulator: cannot prepare the test CA: {exception.Message}");
            return ExitStartFailed;
        }

        using (authority)
        {
            return await RunAsync(options, scenario, authority, parentStart);
        }
    }

    private static async Task<int> RunAsync(
        EmulatorOptions options, LoadedScenario scenario, CertificateAuthority authority, DateTime? parentStart)
    {
        using var serverCertificate = authority.IssueServerCertificate(options.CertificateHost);

        // Client-side material (certificates, token files) goes to a folder of this run only, so
        // parallel runs sharing a CA folder never overwrite each other's files.
        var runDirectory = authority.OwnsDirectory
            ? Path.GetDirectoryName(authority.CertificatePath)!
            : Directory.CreateDirectory(Path.Combine(
                Path.GetDirectoryName(authority.CertificatePath)!,
                "run-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant())).FullName;
        var material = new RunMaterial(runDirectory, authority, scenario.Model,
            options.Tenants ?? scenario.Model.Tenants, TimeProvider.System.GetUtcNow());
        using var certificates = material.Certificates;
        await using var app = Build(options, scenario, serverCertificate, material);

        try
        {
            await app.StartAsync();
        }
        catch (IOException exception)
        {
            await Console.Error.WriteLineAsync(
                $"emulator: cannot listen on 127.0.0.1:{options.Port}: {exception.Message}");
            return ExitStartFailed;
        }

        var tenants = app.Services.GetRequiredService<TenantDirectory>();
        var url = $"https://127.0.0.1:{BoundPort(app, https: true)}";
        var identityPort = material.ManagedIdentity.Needed ? BoundPort(app, https: false) : (int?)null;
        WriteReadyLine(url, authority.CertificatePath, tenants, scenario.Name, material, identityPort);

        using var stopping = new CancellationTokenSource();
        var watcher = options.ParentProcessId is { } parentId
            ? ParentProcessWatcher.WatchAsync(
                parentId, parentStart!.Value, () => app.Lifetime.StopApplication(), stopping.Token)
            : Task.CompletedTask;

        await app.WaitForShutdownAsync();
        await stopping.CancelAsync();
        await watcher;

        if (authority.OwnsDirectory)
        {
            // The throw-away CA is useless once its server is gone.
            TryDelete(Path.GetDirectoryName(authority.CertificatePath)!);
        }
        else
        {
            TryDelete(runDirectory);
        }

        return 0;
    }

    private static WebApplication Build(
        EmulatorOptions options, LoadedScenario scenario, X509Certificate2 certificate, RunMaterial material)
    {
        // No command-line arguments reach ASP.NET's configuration: they are the emulator's own. The
        // content root is the build output so a stray appsettings.json in the caller's folder is ignored.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Standard output belongs to the ready line; every log line goes to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Overrides promise to send their headers and nothing else.
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    if (options.TlsMax is { } protocols)
                    {
                        https.SslProtocols = protocols;
                    }
                });

                // HTTP/2 forbids TLS below 1.2, so an old-TLS server speaks HTTP/1.1 only.
                if (options.TlsMax is { } legacy && !legacy.HasFlag(SslProtocols.Tls12))
                {
                    listen.Protocols = HttpProtocols.Http1;
                }
            });

            // Managed identity endpoints are plain http on the host; this is the only route without TLS.
            if (material.ManagedIdentity.Needed)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        var clock = TimeProvider.System;
        var tenants = material.Tenants;
        var issuer = material.Issuer;
        var access = new PowerBiAccess(tenants, issuer, clock);
        builder.Services.AddSingleton(tenants);
        builder.Services.AddSingleton(issuer);

        var app = builder.Build();

        var requestLog = new RequestLog(tenants, clock);
        var latency = new Latency(scenario.Model.LatencyMs);
        var faults = new Faults(scenario.Model.Faults, clock, app.Lifetime.ApplicationStopping);
        var overrides = new Overrides(scenario.Model.Overrides);
        app.Use(requestLog.InvokeAsync);
        app.Use(latency.InvokeAsync);
        app.Use(faults.InvokeAsync);
        app.Use(overrides.InvokeAsync);
        app.Use((context, next) =>
            context.Request.IsHttps ? next(context) : material.ManagedIdentity.HandleAsync(context));
        app.Use(AddPowerBiRequestId);
        app.UseRouting();

        requestLog.Map(app);
        var deviceCodes = new DeviceCodes(tenants, clock);
        var assertions = new ClientAssertions(material.Certificates, material.Authority, material.Federation, clock);
        new TokenEndpoint(tenants, issuer, assertions, deviceCodes, clock).Map(app);
        deviceCodes.Map(app);
        material.Workload.Map(app);
        new EntraMetadata(tenants, issuer, clock).Map(app);
        new PowerBiEndpoints(access, clock).Map(app);
        new ScannerEndpoints(access, new ScanStore(), clock).Map(app);
        new FabricEndpoints(tenants, issuer, clock).Map(app);
        new GraphEndpoints(tenants, issuer, material.Certificates, clock).Map(app);
        app.MapFallback(HttpJson.NotFoundAsync);
        return app;
    }

    private static Task AddPowerBiRequestId(HttpContext context, RequestDelegate next)
    {
        // Every Power BI answer carries a RequestId, the id support asks for. The rest of /v1.0 is
        // Microsoft Graph, which names its ids differently.
        if (context.Request.Path.StartsWithSegments("/v1.0/myorg", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers["RequestId"] = Guid.NewGuid().ToString();
        }

        return next(context);
    }

    private static int BoundPort(WebApplication app, bool https)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        var scheme = https ? "https://" : "http://";
        var address = addresses?.Addresses.FirstOrDefault(a => a.StartsWith(scheme, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Kestrel reported no {scheme} listening address.");
        return new Uri(address).Port;
    }

    private static void WriteReadyLine(
        string url, string caPath, TenantDirectory tenants, string scenario, RunMaterial material, int? identityPort)
    {
        var credentials = tenants.Primary.ReadyCredentials();
        var line = new JsonObject
        {
            ["url"] = url,
            ["caCertificatePath"] = caPath,
            ["tenantId"] = credentials.TenantId,
            ["clientId"] = credentials.ClientId,
            ["clientSecret"] = credentials.ClientSecret,
            ["scenario"] = scenario,

            // Every tenant served, tenant 0 (the fields above) first.
            ["tenants"] = new JsonArray([.. tenants.All.Select(t => t.ReadyCredentials()).Select(c =>
                (JsonNode)new JsonObject
                {
                    ["tenantId"] = c.TenantId,
                    ["clientId"] = c.ClientId,
                    ["clientSecret"] = c.ClientSecret,
                })]),
            ["runDirectory"] = material.Directory,
        };

        var model = tenants.Primary.Model;
        if (model.ClientCertificates.Count > 0)
        {
            line["certificates"] = material.Certificates.ReadyLineEntries(tenants.Primary);
        }

        if (credentials.UserName is not null)
        {
            line["userName"] = credentials.UserName;
            line["password"] = credentials.Password;
        }

        if (identityPort is { } port)
        {
            line["identityEndpoint"] = $"http://127.0.0.1:{port}{ManagedIdentityEndpoint.Path}";
            line["identityHeader"] = material.ManagedIdentity.Header;
        }

        if (model.GitHubActions is not null)
        {
            line["actionsIdTokenRequestUrl"] = $"{url}{WorkloadIdentityEndpoints.GitHubPath}?api-version=2.0";
            line["actionsIdTokenRequestToken"] = material.Workload.RequestToken;
        }

        if (material.FederatedTokenPath is { } tokenPath)
        {
            line["federatedTokenPath"] = tokenPath;
        }

        // Relaxed escaping keeps paths and secrets readable; the line is still valid JSON.
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Console.Out.WriteLine(line.ToJsonString(options));
        Console.Out.Flush();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"emulator: could not remove '{directory}': {exception.Message}");
        }
    }
}
