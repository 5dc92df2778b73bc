using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PbiPreflight.Engine
{
    /// <summary>
    /// Finds and loads the engine once per session. On PowerShell 7 the engine and its dependencies load into a
    /// context of their own, so a different MSAL already loaded by Az.Accounts or Microsoft.Graph, before or after
    /// this module, is never bound to ours. On Windows PowerShell there are no load contexts; the engine loads
    /// from its folder and whichever MSAL was loaded first wins, which the README states.
    /// </summary>
    internal static class EngineLoader
    {
        private const string EngineAssemblyName = "PbiPreflight.Core";
        private const string EngineTypeName = "PbiPreflight.PreflightEngine";

        private static readonly Lazy<IPreflightEngine> LoadedEngine = new Lazy<IPreflightEngine>(Load);

        /// <summary>
        /// The engine, loaded on first use: on PowerShell 7 that is the sign-in rehearsal the import starts in the
        /// background (see <see cref="ModuleInitializer"/>), on Windows PowerShell the first cmdlet.
        /// </summary>
        public static IPreflightEngine Engine => LoadedEngine.Value;

        /// <summary>
        /// The folder of the engine build for the running PowerShell. Windows PowerShell gets the netstandard2.0
        /// build in engine/desktop. PowerShell 7 gets the net8.0 build in engine/core, which runs everywhere, unless
        /// the build also compiled it ahead of time for exactly this platform and .NET major version, in
        /// engine/core-(os)-(architecture)-net(major): a runtime refuses to load native code made for another
        /// platform and ignores native code made for another major version, so only an exact match is used.
        /// </summary>
        internal static string EngineFolder
        {
            get
            {
                var moduleFolder = Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location) ?? ".";
                var engines = Path.Combine(moduleFolder, "engine");
                if (IsNetFramework)
                {
                    return Path.Combine(engines, "desktop");
                }

                // The build lays the copy out whole or not at all; a folder without the engine is not taken.
                var native = NativeEngineFolderName();
                var nativeFolder = native == null ? null : Path.Combine(engines, native);
                if (nativeFolder != null && File.Exists(Path.Combine(nativeFolder, EngineAssemblyName + ".dll")))
                {
                    return nativeFolder;
                }

                return Path.Combine(engines, "core");
            }
        }

        internal static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>The name build.ps1 gives the native engine for this platform and runtime, or null.</summary>
        internal static string? NativeEngineFolderName()
        {
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
                : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : null;
            var architecture = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                _ => null,
            };

            var major = Environment.Version.Major.ToString(CultureInfo.InvariantCulture);
            return os == null || architecture == null ? null : "core-" + os + "-" + architecture + "-net" + major;
        }

        private static IPreflightEngine Load()
        {
            var folder = EngineFolder;
            var path = Path.Combine(folder, EngineAssemblyName + ".dll");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(Messages.Format(Messages.EngineMissing, folder), path);
            }

            var assembly = IsNetFramework ? DesktopEngine.Load(folder, path) : IsolatedEngine.Load(folder, path);
            var type = assembly.GetType(EngineTypeName, throwOnError: true)!;
            return (IPreflightEngine)Activator.CreateInstance(type, nonPublic: true)!;
        }
    }
}
