using System;
using System.Management.Automation;
using System.IO;

namespace Sutro.Export;

/// <summary>
/// A file written under a temporary name beside its target (a <see cref="Results.TemporaryFile"/> named
/// <c>.&lt;name&gt;.sutro-&lt;guid&gt;.tmp</c>, same folder so the rename is atomic) and renamed onto the target only
/// when complete. Until then the target is untouched; disposing an uncommitted file deletes it, whatever went wrong.
/// </summary>
internal sealed class StagedFile : IDisposable
{
    private readonly Results.TemporaryFile _temporary;
    private bool _committed;

    public StagedFile(string target)
    {
        Target = target;
        string folder = System.IO.Path.GetDirectoryName(target) ?? ".";
        _temporary = new Results.TemporaryFile(folder, $".{System.IO.Path.GetFileName(target)}.sutro-");
    }

    /// <summary>The temporary file.</summary>
    public string Path => _temporary.Path;

    /// <summary>The file it becomes.</summary>
    public string Target { get; }

    public FileStream OpenWrite() => _temporary.OpenWrite();

    /// <summary>Renames the finished file onto the target; an existing target is replaced only with <paramref name="overwrite"/>.</summary>
    public void Commit(bool overwrite)
    {
        MoveIntoPlace(Path, Target, overwrite);
        _committed = true;
    }

    /// <summary>Renames <paramref name="source"/> onto <paramref name="target"/>, refusing to replace it unless asked.</summary>
    public static void MoveIntoPlace(string source, string target, bool overwrite)
    {
        if (!overwrite && File.Exists(target))
        {
            throw OutputFileExists(target);
        }

        try
        {
            File.Move(source, target, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(target))
        {
            throw OutputFileExists(target);
        }
    }

    public static ExportException OutputFileExists(string target) =>
        new(ErrorIds.OutputFileExists, ErrorCategory.ResourceExists,
            $"The file '{target}' already exists. Use -Force to replace it, or choose another path.");

    public void Dispose()
    {
        if (!_committed)
        {
            _temporary.Dispose();
        }
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
