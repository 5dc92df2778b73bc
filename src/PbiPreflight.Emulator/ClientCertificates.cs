using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace PbiPreflight.Emulator;

/// <summary>A certificate made for the client side, with the files written for it.</summary>
/// <param name="Name">The scenario's name for it.</param>
/// <param name="Certificate">The certificate (public part only).</param>
/// <param name="PfxPath">PKCS#12 with the private key.</param>
/// <param name="PfxPassword">The PKCS#12 password.</param>
/// <param name="PemPath">Certificate and unencrypted PKCS#8 key.</param>
/// <param name="CertificatePath">Certificate only.</param>
public sealed record ClientCertificate(
    string Name, X509Certificate2 Certificate, string PfxPath, string PfxPassword, string PemPath,
    string CertificatePath)
{
    /// <summary>SHA-1 thumbprint as base64url, the <c>x5t</c> header value.</summary>
    public string X5t { get; } = System.Buffers.Text.Base64Url.EncodeToString(Certificate.GetCertHash());

    /// <summary>SHA-256 thumbprint as base64url, the <c>x5t#S256</c> header value.</summary>
    public string X5tS256 { get; } = System.Buffers.Text.Base64Url.EncodeToString(
        Certificate.GetCertHash(HashAlgorithmName.SHA256));
}

/// <summary>
/// The certificates of <see cref="Scenario.ClientCertificates"/>, made at start-up by the test CA and
/// written to the run folder as PFX, PEM (certificate + key) and certificate-only PEM files.
/// </summary>
public sealed class ClientCertificates : IDisposable
{
    private readonly Dictionary<string, ClientCertificate> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes and writes every certificate the model describes.</summary>
    public ClientCertificates(
        IEnumerable<ClientCertificateDefinition> definitions, CertificateAuthority authority, string directory,
        DateTimeOffset now)
    {
        foreach (var definition in definitions)
        {
            // A certificate lives 400 days up to its end, but never starts in the future: an expired
            // one is entirely in the past, a fresh one started an hour ago.
            var notAfter = now + TimeSpan.FromDays(definition.ExpiresInDays);
            var notBefore = notAfter - TimeSpan.FromDays(400);
            if (notBefore > now.AddHours(-1))
            {
                notBefore = now.AddHours(-1);
            }

            var subject = string.IsNullOrWhiteSpace(definition.Subject) ? $"CN={definition.Name}" : definition.Subject;
            using var withKey = authority.IssueClientCertificate(subject, notBefore, notAfter);
            _byName[definition.Name] = Write(definition.Name, withKey, directory);
        }
    }

    /// <summary>All certificates made.</summary>
    public IEnumerable<ClientCertificate> All => _byName.Values;

    /// <summary>A certificate by its scenario name, or null.</summary>
    public ClientCertificate? Find(string name)
    {
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>The ready line's <c>certificates</c> object.</summary>
    public JsonObject ReadyLineEntries(EmulatedTenant tenant)
    {
        var entries = new JsonObject();
        foreach (var item in _byName.Values)
        {
            var certificate = item.Certificate;
            entries[item.Name] = new JsonObject
            {
                ["pfxPath"] = item.PfxPath,
                ["pfxPassword"] = item.PfxPassword,
                ["pemPath"] = item.PemPath,
                ["certificatePath"] = item.CertificatePath,
                ["thumbprint"] = certificate.Thumbprint,
                ["thumbprintSha256"] = certificate.GetCertHashString(HashAlgorithmName.SHA256),
                ["subject"] = certificate.Subject,
                ["notBefore"] = Iso(certificate.NotBefore),
                ["notAfter"] = Iso(certificate.NotAfter),
                ["registered"] = tenant.Model.Apps.Any(
                    a => a.Certificates.Contains(item.Name, StringComparer.OrdinalIgnoreCase)),
            };
        }

        return entries;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var item in _byName.Values)
        {
            item.Certificate.Dispose();
        }
    }

    private static ClientCertificate Write(string name, X509Certificate2 withKey, string directory)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var pfxPath = Path.Combine(directory, name + ".pfx");
        var pemPath = Path.Combine(directory, name + ".pem");
        var certificatePath = Path.Combine(directory, name + ".cer.pem");

        using var key = withKey.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("A client certificate was made without an RSA key.");
        WritePrivate(pfxPath, withKey.Export(X509ContentType.Pkcs12, password));
        WritePrivate(pemPath, System.Text.Encoding.ASCII.GetBytes(
            withKey.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n"));
        File.WriteAllText(certificatePath, withKey.ExportCertificatePem() + "\n");

        var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        return new ClientCertificate(name, publicOnly, pfxPath, password, pemPath, certificatePath);
    }

    private static void WritePrivate(string path, byte[] content)
    {
        // Key material is readable by its owner only, as a real deployment would keep it.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }

    private static string Iso(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
