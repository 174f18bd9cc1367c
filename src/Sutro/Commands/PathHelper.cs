using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace Sutro.Commands;

/// <summary>
/// -Path and -LiteralPath as the built-in file cmdlets read them, for Import-SutroJobResult and
/// Export-SutroJobResult: -Path expands wildcards (and a wildcard that matches nothing is an error, as for
/// Get-Content), -LiteralPath takes the name as written (so a file named <c>out[1].parquet</c> is reachable),
/// PowerShell paths (~, drives, relative to the current location) become file-system paths, and other
/// providers are refused.
/// </summary>
internal static class PathHelper
{
    private const string LiteralHint = "Square brackets, * and ? are wildcards in -Path; use -LiteralPath for a name that holds them.";

    /// <summary>
    /// The existing files one -Path (wildcards expanded) or -LiteralPath names, in the provider's order.
    /// Whatever names no file (nothing matches, a folder, another provider) is a non-terminating error of
    /// <paramref name="cmdlet"/>, and the other paths go on.
    /// </summary>
    public static IEnumerable<string> FilesToRead(PSCmdlet cmdlet, string given, bool literal)
    {
        var found = new List<string>();
        IEnumerable<string> paths;
        try
        {
            paths = Resolve(cmdlet, given, literal, forWriting: false);
        }
        catch (PathResolutionException ex)
        {
            cmdlet.WriteError(new ErrorRecord(ex, ex.ErrorId, ex.Category, given));
            return found;
        }

        foreach (string file in paths)
        {
            if (Directory.Exists(file))
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ArgumentException($"'{file}' is a folder. Name the files in it, e.g. Get-ChildItem " +
                        $"'{file}' -Filter *.parquet | Import-SutroJobResult."),
                    ErrorIds.PathIsFolder, ErrorCategory.InvalidArgument, file));
            }
            else if (!File.Exists(file))
            {
                cmdlet.WriteError(new ErrorRecord(
                    new FileNotFoundException($"Cannot find the results file '{file}'.", file),
                    ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, file));
            }
            else
            {
                found.Add(file);
            }
        }

        return found;
    }

    /// <summary>
    /// The file-system path one -Path or -LiteralPath names to write to, as Out-File and Set-Content resolve
    /// it: -LiteralPath as written; a -Path without wildcards as written (it need not exist yet); a -Path with
    /// wildcards must match exactly one existing item, so no file is ever created with '*' in its name.
    /// </summary>
    /// <exception cref="PathResolutionException">PathNotResolved or PathNotFileSystem.</exception>
    public static string PathToWrite(PSCmdlet cmdlet, string given, bool literal)
    {
        var paths = Resolve(cmdlet, given, literal, forWriting: true);
        return paths.Count switch
        {
            1 => paths[0],
            0 => throw new PathResolutionException(ErrorIds.PathNotResolved, ErrorCategory.ObjectNotFound,
                $"The wildcard path '{given}' matches no file or folder, and a file is never created under a name " +
                $"that holds wildcard characters. Name an existing item, or give a new name. {LiteralHint}"),
            _ => throw new PathResolutionException(ErrorIds.PathNotResolved, ErrorCategory.InvalidArgument,
                $"The wildcard path '{given}' matches {paths.Count} items ('{paths[0]}', '{paths[1]}'...); it must " +
                $"name one file or folder. {LiteralHint}"),
        };
    }

    private static Collection<string> Resolve(PSCmdlet cmdlet, string given, bool literal, bool forWriting)
    {
        Collection<string> paths;
        ProviderInfo provider;
        try
        {
            if (literal || (forWriting && !WildcardPattern.ContainsWildcardCharacters(given)))
            {
                paths = new Collection<string>
                {
                    cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _),
                };
            }
            else
            {
                paths = cmdlet.GetResolvedProviderPathFromPSPath(given, out provider);
            }
        }
        catch (ItemNotFoundException) when (!literal && !forWriting)
        {
            throw NotFound(given);
        }
        catch (ItemNotFoundException) when (forWriting)
        {
            paths = new Collection<string>();
            return paths;
        }
        catch (Exception ex) when (ex is SessionStateException or ProviderInvocationException or NotSupportedException
            or ArgumentException)
        {
            throw new PathResolutionException(forWriting ? ErrorIds.PathNotResolved : ErrorIds.PathNotFound,
                forWriting ? ErrorCategory.InvalidArgument : ErrorCategory.ObjectNotFound,
                $"Cannot resolve the path '{given}': {ex.Message}", ex);
        }

        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            throw new PathResolutionException(ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument,
                $"'{given}' is on the {provider.Name} provider; results files are read from and saved to the file system.");
        }

        if (paths.Count == 0 && !forWriting)
        {
            throw NotFound(given);
        }

        return paths;
    }

    private static PathResolutionException NotFound(string given) =>
        new(ErrorIds.PathNotFound, ErrorCategory.ObjectNotFound,
            WildcardPattern.ContainsWildcardCharacters(given)
                ? $"Cannot find the results file '{given}': no file matches it. {LiteralHint}"
                : $"Cannot find the results file '{given}' because it does not exist.");
}

/// <summary>A -Path or -LiteralPath that names nothing usable; the id and category go on the error record.</summary>
internal sealed class PathResolutionException : SutroException
{
    public PathResolutionException(string errorId, ErrorCategory category, string message, Exception? inner = null)
        : base(errorId, category, message, inner)
    {
    }
}
