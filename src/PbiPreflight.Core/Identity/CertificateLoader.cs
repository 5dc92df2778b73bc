using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PbiPreflight.Identity
{
    /// <summary>
    /// Turns a certificate credential into a certificate the token request can sign with, before any network
    /// call: from the store by thumbprint, from a PFX or PEM file, or as given. Every way it can be unusable is a
    /// parameter error that names the parameter and the fix.
    /// </summary>
    internal static class CertificateLoader
    {
        /// <summary>Loads the certificate into <see cref="CertificateCredential.Certificate"/> once.</summary>
        public static X509Certificate2 Resolve(CertificateCredential credential)
        {
            var certificate = credential.Certificate;
            var parameter = "Certificate";
            if (certificate is null && !string.IsNullOrWhiteSpace(credential.Thumbprint))
            {
                parameter = "CertificateThumbprint";
                certificate = FromStore(credential.Thumbprint!);
            }
            else if (certificate is null && !string.IsNullOrWhiteSpace(credential.Path))
            {
                parameter = "CertificatePath";
                certificate = FromFile(credential.Path!, credential.Password);
            }

            if (certificate is null)
            {
                throw new PreflightArgumentException("MissingCertificate", parameter, Messages.MissingCertificate);
            }

            if (!certificate.HasPrivateKey)
            {
                throw new PreflightArgumentException(
                    "CertificateHasNoPrivateKey",
                    parameter,
                    Messages.Format(Messages.CertificateHasNoPrivateKey, certificate.Subject, certificate.Thumbprint));
            }

            credential.Certificate = certificate;
            return certificate;
        }

        private static X509Certificate2 FromStore(string thumbprint)
        {
            // Thumbprints copied from the certificate dialog on Windows carry spaces and sometimes an invisible
            // left-to-right mark at the start.
            var normalized = new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
            if (normalized.Length != 40)
            {
                throw new PreflightArgumentException(
                    "InvalidCertificateThumbprint",
                    "CertificateThumbprint",
                    Messages.Format(Messages.InvalidCertificateThumbprint, thumbprint.Length > 60
                        ? thumbprint.Substring(0, 60) + "..."
                        : thumbprint));
            }

            var locations = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine }
                : new[] { StoreLocation.CurrentUser };
            foreach (var location in locations)
            {
                using var store = new X509Store(StoreName.My, location);
                try
                {
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                }
                catch (CryptographicException)
                {
                    // A store that does not exist yet (on Linux and macOS, until something is imported into it)
                    // holds no certificate: the thumbprint is not found there.
                    continue;
                }

                var found = store.Certificates.Find(X509FindType.FindByThumbprint, normalized, validOnly: false);
                if (found.Count > 0)
                {
                    return found[0];
                }
            }

            throw new PreflightArgumentException(
                "CertificateNotFound",
                "CertificateThumbprint",
                Messages.Format(Messages.CertificateNotFound, normalized, string.Join(", ", locations)));
        }

        private static X509Certificate2 FromFile(string path, System.Security.SecureString? password)
        {
            var bytes = InputFile.ReadAllBytes(
                path, "CertificateFileUnreadable", "CertificatePath", Messages.CertificateFileUnreadable);

            if (LooksLikePem(bytes))
            {
                return FromPem(path, password);
            }

            X509ContentType contentType;
            try
            {
                contentType = X509Certificate2.GetCertContentType(bytes);
            }
            catch (CryptographicException)
            {
                contentType = X509ContentType.Unknown;
            }

            if (contentType != X509ContentType.Pfx && contentType != X509ContentType.Cert)
            {
                throw new PreflightArgumentException(
                    "CertificateFileNotCertificate",
                    "CertificatePath",
                    Messages.Format(Messages.CertificateFileNotCertificate, path));
            }

            try
            {
                return new X509Certificate2(bytes, password, StorageFlags);
            }
            catch (CryptographicException) when (contentType == X509ContentType.Pfx)
            {
                throw new PreflightArgumentException(
                    "CertificatePasswordIncorrect",
                    "CertificatePassword",
                    Messages.Format(
                        password is null ? Messages.CertificatePasswordMissing : Messages.CertificatePasswordIncorrect,
                        path));
            }
        }

        private static bool LooksLikePem(byte[] bytes)
        {
            var head = System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
            return head.Contains("-----BEGIN ");
        }

#if NET5_0_OR_GREATER
        private static X509KeyStorageFlags StorageFlags =>
            RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? X509KeyStorageFlags.DefaultKeySet
                : X509KeyStorageFlags.EphemeralKeySet;

        private static X509Certificate2 FromPem(string path, System.Security.SecureString? password)
        {
            var text = File.ReadAllText(path);
            if (!text.Contains("PRIVATE KEY-----"))
            {
                throw new PreflightArgumentException(
                    "CertificateHasNoPrivateKey",
                    "CertificatePath",
                    Messages.Format(Messages.PemWithoutKey, path));
            }

            // Keys encrypted the old OpenSSL way (a Proc-Type header) are a format .NET does not read at all.
            if (text.Contains("Proc-Type: 4,ENCRYPTED"))
            {
                throw new PreflightArgumentException(
                    "CertificateFileNotCertificate",
                    "CertificatePath",
                    Messages.Format(Messages.PemLegacyEncryption, path));
            }

            // The file says whether its key is encrypted; a password given for a plain key is not needed and is
            // left unused rather than turned into an error.
            var encrypted = text.Contains("ENCRYPTED PRIVATE KEY");
            if (encrypted && password is null)
            {
                // The same id as a PFX without its password, so scripts catch one error for both.
                throw new PreflightArgumentException(
                    "CertificatePasswordIncorrect",
                    "CertificatePassword",
                    Messages.Format(Messages.CertificatePasswordMissing, path));
            }

            try
            {
                return encrypted
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, ConnectionOptions.Reveal(password))
                    : X509Certificate2.CreateFromPemFile(path);
            }
            catch (CryptographicException) when (encrypted)
            {
                // The key could not be decrypted with it, or decrypted to another certificate's key.
                throw new PreflightArgumentException(
                    "CertificatePasswordIncorrect",
                    "CertificatePassword",
                    Messages.Format(Messages.PemPasswordIncorrect, path));
            }
            catch (CryptographicException error)
            {
                throw new PreflightArgumentException(
                    "CertificateFileNotCertificate",
                    "CertificatePath",
                    Messages.Format(Messages.PemUnreadable, path, error.Message));
            }
        }
#else
        private static X509KeyStorageFlags StorageFlags => X509KeyStorageFlags.DefaultKeySet;

        // .NET Framework cannot read PEM private keys; Windows PowerShell users convert to PFX.
        private static X509Certificate2 FromPem(string path, System.Security.SecureString? password)
        {
            throw new PreflightArgumentException(
                "PemNotSupported",
                "CertificatePath",
                Messages.Format(Messages.PemNotSupported, path));
        }
#endif
    }
}
