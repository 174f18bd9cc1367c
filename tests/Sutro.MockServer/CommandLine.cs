using System;
using System.Globalization;
using System.IO;

namespace Sutro.MockServer;

/// <summary>Parsed command line: <c>--key K [--fixtures DIR] [--port N] [--ignore-stdin]</c>.</summary>
public sealed record ServerOptions(string ApiKey, string? FixturesDir, int Port, bool IgnoreStdin)
{
    public static ServerOptions? Parse(string[] args, TextWriter error)
    {
        string? key = null, fixtures = null;
        int port = 0;
        bool ignoreStdin = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string? Value()
            {
                if (inline is not null) return inline;
                if (i + 1 < args.Length) return args[++i];
                error.WriteLine($"Missing value for {arg}");
                return null;
            }
            switch (arg)
            {
                case "--key": key = Value(); if (key is null) return null; break;
                case "--fixtures": fixtures = Value(); if (fixtures is null) return null; break;
                case "--port":
                    string? p = Value();
                    if (p is null || !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        error.WriteLine($"Invalid --port value: {p}");
                        return null;
                    }
                    break;
                case "--ignore-stdin": ignoreStdin = true; break;
                default:
                    error.WriteLine($"Unknown argument: {args[i]}");
                    return null;
            }
        }
        if (string.IsNullOrEmpty(key))
        {
            error.WriteLine("Usage: Sutro.MockServer --key <apikey> [--fixtures <dir>] [--port <n>] [--ignore-stdin]");
            return null;
        }
        return new ServerOptions(key, fixtures is null ? FindDefaultFixtures() : Path.GetFullPath(fixtures), port, ignoreStdin);
    }

    /// <summary>Walks up from the binary's folder to the first folder holding <c>tests/fixtures/valid</c>.</summary>
    private static string? FindDefaultFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "valid");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
