using System;
using System.IO;

namespace Sutro.Results;

/// <summary>A file that exists for one download and is deleted when disposed, whatever happened.</summary>
internal sealed class TemporaryFile : IDisposable
{
    public TemporaryFile(string? directory = null, string? prefix = null)
    {
        string folder = directory ?? System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(folder, $"{prefix ?? "sutro-"}{Guid.NewGuid():N}.tmp");
    }

    public string Path { get; }

    public FileStream OpenWrite() =>
        new(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous);

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
