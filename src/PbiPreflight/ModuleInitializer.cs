using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PbiPreflight.Engine;

namespace PbiPreflight
{
    /// <summary>
    /// Runs when PowerShell imports the module and starts, on one background thread, the work the first check of a
    /// new PowerShell is sure to wait for, so that it overlaps the rest of the import, the binding of the first
    /// cmdlet and the first token's round trip:
    /// <list type="number">
    /// <item>On Linux, the first certificate validation of a process reads every file of the system's certificate
    /// folder (about 100 ms on a quiet 2-core machine) while the first handshake waits. Read ahead, the handshake
    /// finds the roots cached; opening the store changes nothing about validation, which reads the same roots.
    /// </item>
    /// <item>The engine is loaded and rehearses a sign-in against answers held in memory, which compiles the code
    /// that runs once the real token comes back (see the engine's SignInRehearsal).</item>
    /// </list>
    /// In that order: the handshake needs the roots before the rehearsal's gains are due. Measured with build.ps1 -Task
    /// Bench, the rehearsal took the first Test-PbiCredentialScope of a new PowerShell from about 470 ms to 370-410 ms
    /// more than an empty module, depending on the machine's load. Both happen once per process: importing again
    /// (-Force, a runspace of ForEach-Object -Parallel or of a thread job) finds them done or under way.
    /// </summary>
    /// <remarks>
    /// Windows PowerShell gets neither: it validates through the system's store, and it has no load contexts, so
    /// whichever MSAL loads first is the one every module gets; loading ours at import would hand it to a module
    /// such as Az.Accounts imported later that needs another version. Only Linux was measured: on Windows and macOS
    /// PowerShell 7 rehearses too, but its gain there is untested.
    /// </remarks>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static int started;

        /// <inheritdoc />
        public void OnImport()
        {
            if (EngineLoader.IsNetFramework || Interlocked.Exchange(ref started, 1) == 1)
            {
                return;
            }

            Task.Run(async () =>
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    ReadTrustedRoots();
                }

                await RehearseSignInAsync().ConfigureAwait(false);
            });
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

        private static async Task RehearseSignInAsync()
        {
            try
            {
                await EngineLoader.Engine.RehearseSignInAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // An engine that cannot load fails the first cmdlet with the reason; the import must not.
            }
        }
    }
}
