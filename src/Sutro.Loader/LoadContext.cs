using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Sutro.Loader;

/// <summary>
/// Loads Sutro.dll and every dependency beside it (Parquet.Net, Sep, ...) into a private
/// AssemblyLoadContext, so another module's copy of the same library in the default context
/// can neither break Sutro nor be broken by it.
/// </summary>
public sealed class LoadContext : AssemblyLoadContext
{
    private static readonly object Sync = new();
    private static LoadContext? _instance;

    private readonly string _assemblyDir;
    private readonly Assembly _thisAssembly;
    private readonly AssemblyName _thisAssemblyName;
    private readonly Assembly _moduleAssembly;

    private LoadContext(string mainAssemblyPath) : base(name: "Sutro", isCollectible: false)
    {
        _assemblyDir = Path.GetDirectoryName(mainAssemblyPath) ?? string.Empty;
        _thisAssembly = typeof(LoadContext).Assembly;
        _thisAssemblyName = _thisAssembly.GetName();
        _moduleAssembly = LoadFromAssemblyPath(mainAssemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (AssemblyName.ReferenceMatchesDefinition(_thisAssemblyName, assemblyName))
        {
            return _thisAssembly;
        }

        string candidate = Path.Join(_assemblyDir, assemblyName.Name + ".dll");
        // Everything shipped beside Sutro.dll is ours; anything else (System.Management.Automation,
        // the framework) comes from the default context.
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    /// <summary>Creates the context once per process and returns the module assembly.</summary>
    public static Assembly Initialize(string mainAssemblyPath)
    {
        lock (Sync)
        {
            _instance ??= new LoadContext(Path.GetFullPath(mainAssemblyPath));
            return _instance._moduleAssembly;
        }
    }
}
