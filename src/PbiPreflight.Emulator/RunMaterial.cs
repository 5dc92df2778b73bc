namespace PbiPreflight.Emulator;

/// <summary>
/// What one run of the emulator makes before it listens: the tenants, the signing keys, the client
/// certificates and token file in the run folder, and the endpoints that hold secrets of their own
/// (the managed identity header, the GitHub Actions request token).
/// </summary>
public sealed class RunMaterial
{
    /// <summary>
    /// Makes the tenants, and the certificates and federated token file in <paramref name="directory"/>.
    /// </summary>
    public RunMaterial(
        string directory, CertificateAuthority authority, Scenario model, int tenantCount, DateTimeOffset startedAt)
    {
        Directory = directory;
        Authority = authority;
        Tenants = new TenantDirectory(model, tenantCount, startedAt);
        Certificates = new ClientCertificates(model.ClientCertificates, authority, directory, startedAt);
        Workload = new WorkloadIdentityEndpoints(Tenants, Federation, TimeProvider.System);
        ManagedIdentity = new ManagedIdentityEndpoint(Tenants, Issuer, TimeProvider.System);
        if (model.FederatedTokenFile is { } definition)
        {
            FederatedTokenPath = Path.Combine(directory, "federated-token.jwt");
            File.WriteAllText(FederatedTokenPath, Workload.FileToken(definition, startedAt));
        }
    }

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>The test CA.</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>The tenants served.</summary>
    public TenantDirectory Tenants { get; }

    /// <summary>The client certificates.</summary>
    public ClientCertificates Certificates { get; }

    /// <summary>The access token signer.</summary>
    public TokenIssuer Issuer { get; } = new();

    /// <summary>The external token signer.</summary>
    public FederationIssuer Federation { get; } = new();

    /// <summary>The GitHub Actions and federated-token endpoints.</summary>
    public WorkloadIdentityEndpoints Workload { get; }

    /// <summary>The managed identity endpoint.</summary>
    public ManagedIdentityEndpoint ManagedIdentity { get; }

    /// <summary>The federated token file, when the model asks for one.</summary>
    public string? FederatedTokenPath { get; }
}
