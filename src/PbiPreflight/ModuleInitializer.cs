using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;

namespace PbiPreflight
{
    /// <summary>
    /// Runs when PowerShell imports the module. It only starts, in the background, the one piece of work every
    /// check is sure to wait for: on Linux, the first certificate validation of a process reads every file of the
    /// system's certificate folder (about 100 ms on a quiet 2-core machine) while the first handshake waits. Begun
    /// at import, the read overlaps the rest of the import and the first cmdlet's sign-in, and the handshake finds
    /// the roots cached. Opening the store changes nothing about validation, which reads the same roots. The engine
    /// itself is still loaded only when a cmdlet first runs.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        /// <inheritdoc />
        public void OnImport()
        {
            // Windows and macOS validate through the operating system's own store and cache; nothing to read ahead.
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return;
            }

            Task.Run(ReadTrustedRoots);
        }

        private static void ReadTrustedRoots()
        {
            try
            {
                using var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
                roots.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                _ = roots.Certificates.Count;
            }
            catch (Exception)
            {
                // Only a head start: the handshake reads the roots itself and reports what fails there.
            }
        }
    }
}
