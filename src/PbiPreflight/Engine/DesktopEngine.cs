using System;
using System.IO;
using System.Reflection;

namespace PbiPreflight.Engine
{
    /// <summary>
    /// Loads the engine on Windows PowerShell, which has one load context per process: dependencies are resolved
    /// from the engine's folder when the process asks for them, and a version another module loaded first wins.
    /// </summary>
    internal static class DesktopEngine
    {
        /// <summary>Loads the engine assembly at <paramref name="path"/>, resolving its dependencies from
        /// <paramref name="folder"/>.</summary>
        public static Assembly Load(string folder, string path)
        {
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
            {
                var candidate = Path.Combine(folder, new AssemblyName(args.Name).Name + ".dll");
                return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
            };

            return Assembly.LoadFrom(path);
        }
    }
}
