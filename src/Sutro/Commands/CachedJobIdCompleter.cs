using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using Sutro.Cache;

namespace Sutro.Commands;

/// <summary>
/// Tab completion of -JobId for Get-SutroCache and Clear-SutroCache: the jobs the local results cache holds whose
/// id starts with what was typed, by id, with the file's size as the tooltip. Reads the folder only; never fails.
/// </summary>
public sealed class CachedJobIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = wordToComplete.Trim('\'', '"');
        var results = new List<CompletionResult>();
        try
        {
            foreach (FileInfo file in ResultsCache.ForUser().Files())
            {
                string id = ResultsCache.JobIdOf(file.Name)!;
                if (id.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                {
                    results.Add(new CompletionResult(id, id, CompletionResultType.ParameterValue, $"{id} ({file.Length} bytes)"));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to offer.
        }

        return results;
    }
}
