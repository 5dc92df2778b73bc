using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PbiPreflight.Engine
{
    /// <summary>
    /// The engine's private load context on PowerShell 7. Kept in a class of its own so that Windows PowerShell,
    /// which has no <see cref="AssemblyLoadContext"/>, never compiles a method that names it.
    /// </summary>
    internal sealed class IsolatedEngine : AssemblyLoadContext
    {
        private static readonly string SharedAssemblyName = typeof(IsolatedEngine).Assembly.GetName().Name!;

        private readonly string folder;

        // Unnamed: the reference assembly this netstandard2.0 build compiles against predates named contexts.
        private IsolatedEngine(string folder)
        {
            this.folder = folder;
        }

        /// <summary>Loads the engine assembly at <paramref name="path"/> into a new private context.</summary>
        public static Assembly Load(string folder, string path)
        {
            return new IsolatedEngine(folder).LoadFromAssemblyPath(path);
        }

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // This assembly holds the types both sides exchange (CheckResult, the request, the reporter): the
            // engine must bind to the copy PowerShell already loaded, or the two would not be the same types.
            if (assemblyName.Name == SharedAssemblyName)
            {
                return null;
            }

            // The engine's own dependencies come from its folder, whatever version the session already holds.
            // Anything else (the framework) falls through to the default context.
            var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
