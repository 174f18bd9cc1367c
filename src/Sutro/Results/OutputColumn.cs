using System;
using System.Collections.Generic;
using System.Linq;

namespace Sutro.Results;

/// <summary>
/// Which column of a results file holds the outputs, the same for every format: the first of the job ids the
/// caller knows (the server names the CSV and Parquet outputs column after the job), then <c>outputs</c>, then
/// <c>inference_result</c> (the SDK's own files); when none is present and exactly one text column remains besides
/// <c>inputs</c> and <c>cumulative_logprobs</c>, that one (a CSV saved by Export-SutroJobResult and read back
/// without -JobId).
/// </summary>
public static class OutputColumn
{
    public const string Outputs = "outputs";
    public const string InferenceResult = "inference_result";
    public const string Inputs = "inputs";
    public const string Logprobs = "cumulative_logprobs";

    /// <summary>The index in <paramref name="names"/> of the outputs column, or -1 when there is none.</summary>
    /// <param name="names">The file's column names, in file order.</param>
    /// <param name="isText">Whether the column at an index holds text (only asked for the last rule).</param>
    /// <param name="jobIds">Names the outputs column may carry, in order of preference (the job id).</param>
    public static int Choose(IReadOnlyList<string> names, Func<int, bool> isText, IReadOnlyList<string> jobIds)
    {
        foreach (string candidate in jobIds.Append(Outputs).Append(InferenceResult))
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], candidate, StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        int only = -1;
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is Inputs or Logprobs || !isText(i))
            {
                continue;
            }

            if (only >= 0)
            {
                return -1;
            }

            only = i;
        }

        return only;
    }

    /// <summary>
    /// The job id an outputs column's name gives: the name itself unless it is <c>outputs</c> or
    /// <c>inference_result</c>.
    /// </summary>
    public static string? JobIdOf(string name) => name is Outputs or InferenceResult ? null : name;

    /// <summary>The error for a file where <see cref="Choose"/> found nothing.</summary>
    public static ResultDecodeException Missing(string format, IReadOnlyList<string> names, IReadOnlyList<string> jobIds)
    {
        var expected = jobIds.Append(Outputs).Append(InferenceResult).Distinct().Select(c => $"'{c}'");
        var found = names.Count == 0 ? "no column" : string.Join(", ", names.Select(n => $"'{n}'"));
        return new ResultDecodeException(
            $"The {format} results have no outputs column: expected one named {string.Join(" or ", expected)}, or a single text "
            + $"column besides 'inputs' and 'cumulative_logprobs'; found {found}. Pass -JobId to name the job whose id the outputs column carries.");
    }
}
