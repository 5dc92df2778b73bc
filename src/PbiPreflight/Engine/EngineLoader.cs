using System;
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

        /// <summary>The engine, loaded on first use: importing the module alone loads nothing of it.</summary>
        public static IPreflightEngine Engine => LoadedEngine.Value;

        /// <summary>The folder of the engine build that matches the running edition of PowerShell.</summary>
        internal static string EngineFolder
        {
            get
            {
                var moduleFolder = Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location) ?? ".";
                var edition = IsNetFramework ? "desktop" : "core";
                return Path.Combine(Path.Combine(moduleFolder, "engine"), edition);
            }
        }

        private static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

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
