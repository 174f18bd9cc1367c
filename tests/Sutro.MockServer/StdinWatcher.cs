using System;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Hosting;

namespace Sutro.MockServer;

/// <summary>Stops the server when standard input reaches end-of-file (the parent closed it or died).</summary>
public static class StdinWatcher
{
    public static void Start(IHostApplicationLifetime lifetime)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using Stream stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            Console.Error.WriteLine("sutro-mock: standard input closed, stopping");
            lifetime.StopApplication();
        })
        {
            IsBackground = true,
            Name = "stdin-watcher",
        };
        thread.Start();
    }
}
