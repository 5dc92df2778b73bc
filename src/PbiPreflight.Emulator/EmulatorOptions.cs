using System.Globalization;
using System.Security.Authentication;

namespace PbiPreflight.Emulator;

/// <summary>
/// The command line of the emulator:
/// <c>--scenario &lt;name or path&gt; [--port &lt;n&gt;] [--ca-dir &lt;dir&gt;] [--parent-pid &lt;pid&gt;]
/// [--tls-max &lt;version&gt;] [--cert-host &lt;dns name&gt;] [--tenants &lt;n&gt;]</c>.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The text printed on standard error when the command line cannot be used.</summary>
    public const string Usage =
        "usage: PbiPreflight.Emulator --scenario <name or path> [--port <n>] [--ca-dir <dir>] [--parent-pid <pid>]"
        + " [--tls-max 1.0|1.1|1.2|1.3] [--cert-host <dns name>] [--tenants <n>]";

    /// <summary>A shipped scenario name (file in Scenarios/) or a path to a scenario file.</summary>
    public required string Scenario { get; init; }

    /// <summary>The loopback port to listen on; 0 lets the system pick a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Where the test certificate authority is reused from or created in; null means a fresh temp dir.
    /// </summary>
    public string? CaDirectory { get; init; }

    /// <summary>The process whose exit also ends the emulator, if any.</summary>
    public int? ParentProcessId { get; init; }

    /// <summary>
    /// The TLS versions the server offers when <c>--tls-max</c> caps them; null leaves the choice to the
    /// system (TLS 1.2 and 1.3).
    /// </summary>
    public SslProtocols? TlsMax { get; init; }

    /// <summary>
    /// The only DNS name the server certificate names, for a hostname-mismatch test; null for the usual names.
    /// </summary>
    public string? CertificateHost { get; init; }

    /// <summary>
    /// How many tenants to serve, replacing the scenario's <c>tenants</c>; null keeps the scenario's.
    /// </summary>
    public int? Tenants { get; init; }

    /// <summary>
    /// Reads the command line. Returns null and sets <paramref name="error"/> when it is unusable.
    /// </summary>
    public static EmulatorOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        string? scenario = null;
        var port = 0;
        string? caDirectory = null;
        int? parentProcessId = null;
        SslProtocols? tlsMax = null;
        string? certificateHost = null;
        int? tenants = null;

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];

            // Every option takes exactly one value; "--name=value" is accepted too for convenience.
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (value is null)
            {
                error = $"option '{name}' needs a value";
                return null;
            }

            switch (name.ToLowerInvariant())
            {
                case "--scenario":
                    scenario = value;
                    break;

                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        error = $"--port must be a number between 0 and 65535, not '{value}'";
                        return null;
                    }

                    break;

                case "--ca-dir":
                    caDirectory = Path.GetFullPath(value);
                    break;

                case "--parent-pid":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
                    {
                        error = $"--parent-pid must be a positive process id, not '{value}'";
                        return null;
                    }

                    parentProcessId = pid;
                    break;

                case "--tls-max":
                    tlsMax = ProtocolsUpTo(value);
                    if (tlsMax is null)
                    {
                        error = $"--tls-max must be 1.0, 1.1, 1.2 or 1.3, not '{value}'";
                        return null;
                    }

                    break;

                case "--cert-host":
                    if (Uri.CheckHostName(value) != UriHostNameType.Dns)
                    {
                        error = $"--cert-host must be a DNS name, not '{value}'";
                        return null;
                    }

                    certificateHost = value;
                    break;

                case "--tenants":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                        || count is < 1 or > TenantDirectory.MaxTenants)
                    {
                        error = $"--tenants must be a number between 1 and {TenantDirectory.MaxTenants}, not '{value}'";
                        return null;
                    }

                    tenants = count;
                    break;

                default:
                    error = $"unknown option '{name}'";
                    return null;
            }
        }

        if (string.IsNullOrWhiteSpace(scenario))
        {
            error = "--scenario is required";
            return null;
        }

        error = null;
        return new EmulatorOptions
        {
            Scenario = scenario,
            Port = port,
            CaDirectory = caDirectory,
            ParentProcessId = parentProcessId,
            TlsMax = tlsMax,
            CertificateHost = certificateHost,
            Tenants = tenants,
        };
    }

    private static SslProtocols? ProtocolsUpTo(string version)
    {
        // TLS 1.0 and 1.1 are obsolete, which is the point: a "TLS too old" test needs a server that
        // offers nothing newer. Only this option reaches them.
#pragma warning disable SYSLIB0039
        return version switch
        {
            "1.0" => SslProtocols.Tls,
            "1.1" => SslProtocols.Tls | SslProtocols.Tls11,
            "1.2" => SslProtocols.Tls12,
            "1.3" => SslProtocols.Tls12 | SslProtocols.Tls13,
            _ => null,
        };
#pragma warning restore SYSLIB0039
    }
}
