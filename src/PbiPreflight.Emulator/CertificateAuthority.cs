using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PbiPreflight.Emulator;

/// <summary>
/// The test certificate authority that issues the emulator's TLS certificate. Clients trust the
/// emulator by trusting <see cref="CertificatePath"/> (for example through SSL_CERT_FILE), so
/// certificate validation stays on and the leaf has to be a proper server certificate.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private const string CertificateFileName = "ca.pem";
    private const string KeyFileName = "ca.key.pem";
    private const string LockFileName = "ca.lock";

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(365);

    // Issued certificates start a little in the past so a client whose clock lags still accepts them.
    private static readonly TimeSpan BackDating = TimeSpan.FromHours(1);

    private readonly X509Certificate2 _certificate;

    private CertificateAuthority(X509Certificate2 certificate, string certificatePath, bool ownsDirectory)
    {
        _certificate = certificate;
        CertificatePath = certificatePath;
        OwnsDirectory = ownsDirectory;
    }

    /// <summary>Absolute path of the CA certificate in PEM form.</summary>
    public string CertificatePath { get; }

    /// <summary>True when the emulator created the directory itself and may remove it on exit.</summary>
    public bool OwnsDirectory { get; }

    /// <summary>
    /// Reuses the CA stored in <paramref name="directory"/> or creates it there; with no directory a
    /// fresh temp directory is used. Several emulators starting at once on one directory agree on a
    /// single CA through a lock file.
    /// </summary>
    public static CertificateAuthority LoadOrCreate(string? directory)
    {
        var ownsDirectory = directory is null;
        directory ??= Directory.CreateTempSubdirectory("pbipreflight-emulator-").FullName;
        Directory.CreateDirectory(directory);

        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);

        // Only a shared directory needs the lock; a fresh temp directory is this process's alone.
        using var fileLock = ownsDirectory ? null : AcquireLock(Path.Combine(directory, LockFileName));

        var certificate = TryLoad(certificatePath, keyPath);
        if (certificate is null)
        {
            certificate = CreateCa();
            Write(certificate, certificatePath, keyPath);
        }

        return new CertificateAuthority(certificate, certificatePath, ownsDirectory);
    }

    /// <summary>
    /// Issues a server certificate for localhost, 127.0.0.1 and ::1, with an exportable private key
    /// that Kestrel can use. With <paramref name="onlyHost"/> the certificate names that DNS name and
    /// nothing else, so a client connecting to 127.0.0.1 sees a trusted chain with the wrong name.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(string? onlyHost = null)
    {
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(onlyHost ?? "localhost");
        var request = new CertificateRequest(
            subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var names = new SubjectAlternativeNameBuilder();
        if (onlyHost is null)
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
        }
        else
        {
            names.AddDnsName(onlyHost);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            _certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // The leaf may not outlive its issuer, or CertificateRequest.Create refuses it.
        var notBefore = DateTimeOffset.UtcNow - BackDating;
        var notAfter = DateTimeOffset.UtcNow + LeafLifetime;
        if (notAfter > _certificate.NotAfter)
        {
            notAfter = _certificate.NotAfter;
        }

        using var issued = request.Create(_certificate, notBefore, notAfter, NewSerialNumber());
        using var withKey = issued.CopyWithPrivateKey(key);

        // On Linux a key attached with CopyWithPrivateKey is ephemeral and TLS cannot use it; a
        // PKCS#12 round trip gives a certificate whose key the TLS stack can load.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pfx = withKey.Export(X509ContentType.Pkcs12, password);
        return X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
    }

    /// <summary>
    /// Issues a client-authentication certificate with the given validity (which may lie wholly in the
    /// past, for an expired certificate) and an exportable RSA 2048 key.
    /// </summary>
    public X509Certificate2 IssueClientCertificate(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            _certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // A certificate that ended before this CA began cannot be issued by it; it is self-signed
        // instead, as most app registration certificates are anyway.
        if (notAfter <= _certificate.NotBefore.ToUniversalTime())
        {
            using var selfSigned = request.CreateSelfSigned(notBefore, notAfter);
            return Reload(selfSigned);
        }

        // A leaf may not reach outside its issuer's validity.
        if (notBefore < _certificate.NotBefore.ToUniversalTime())
        {
            notBefore = _certificate.NotBefore.ToUniversalTime();
        }

        if (notAfter > _certificate.NotAfter.ToUniversalTime())
        {
            notAfter = _certificate.NotAfter.ToUniversalTime();
        }

        using var issued = request.Create(_certificate, notBefore, notAfter, NewSerialNumber());
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    private static X509Certificate2 Reload(X509Certificate2 withKey)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return X509CertificateLoader.LoadPkcs12(
            withKey.Export(X509ContentType.Pkcs12, password), password, X509KeyStorageFlags.Exportable);
    }

    /// <summary>True when <paramref name="leaf"/> carries a valid signature of this CA.</summary>
    public bool Issued(X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // Dates are the token endpoint's own check; here only the issuer matters.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(leaf);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCa()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            "CN=PbiPreflight Emulator Test CA, O=PbiPreflight",
            key,
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var now = DateTimeOffset.UtcNow;
        return ReloadWithKey(request.CreateSelfSigned(now - BackDating, now + CaLifetime));
    }

    private static X509Certificate2? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                $"The CA in '{Path.GetDirectoryName(certificatePath)}' cannot be read: {exception.Message}", exception);
        }

        // A CA about to expire cannot issue a useful leaf; replace it rather than fail later in TLS.
        if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow.AddDays(1))
        {
            Console.Error.WriteLine($"emulator: the CA in '{certificatePath}' has expired; creating a new one");
            certificate.Dispose();
            return null;
        }

        return ReloadWithKey(certificate);
    }

    private static X509Certificate2 ReloadWithKey(X509Certificate2 certificate)
    {
        using (certificate)
        {
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var pfx = certificate.Export(X509ContentType.Pkcs12, password);
            return X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
        }
    }

    private static void Write(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        using var key = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The new CA certificate has no RSA private key.");

        // The key is written first and owner-only: a half-written CA is never picked up because the
        // certificate file, which TryLoad checks for, appears last.
        var keyOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(keyPath, keyOptions))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        var temporary = certificatePath + ".tmp";
        File.WriteAllText(temporary, certificate.ExportCertificatePem() + "\n");
        File.Move(temporary, certificatePath, overwrite: true);
    }

    private static FileStream AcquireLock(string lockPath)
    {
        // Parallel test runs may share one CA directory; the first one creates, the others wait.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);

        // A serial number must be positive; clearing the top bit keeps the DER integer unsigned.
        serial[0] &= 0x7F;
        return serial;
    }
}
