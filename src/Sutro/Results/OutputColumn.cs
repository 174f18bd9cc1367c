using System;
using System.Collections.Generic;
using System.Linq;

namespace Sutro.Results;

/// <summary>
/// The job a caller asked for: the outputs column must carry its id (or be <c>outputs</c>/<c>inference_result</c>).
/// Passed where <see cref="OutputColumn.Choose"/> takes job ids, it turns off the guessing rules that read a file of
/// unknown origin, so a column named after another job is refused instead of read as this one.
/// </summary>
public sealed class KnownJobId : IReadOnlyList<string>
{
    public KnownJobId(string jobId) => JobId = jobId;

    public string JobId { get; }

    public int Count => 1;

    public string this[int index] => index == 0 ? JobId : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<string> GetEnumerator()
    {
        yield return JobId;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Which column of a results file holds the outputs, the same for every format: the first of the job ids the
/// caller gives (the server names the CSV and Parquet outputs column after the job), then <c>outputs</c>, then
/// <c>inference_result</c> (the SDK's own files). For a file read without a known job (Import-SutroJobResult without
/// -JobId), when none is present: the only text column besides <c>inputs</c> and <c>cumulative_logprobs</c>, else the
/// only one of those whose name is a job id (<c>job_...</c> or <c>job-...</c>; a CSV of a job with an id column).
/// When the caller knows the job (<see cref="KnownJobId"/>), a file whose outputs column is named after another job
/// is refused.
/// </summary>
public static class OutputColumn
{
    public const string Outputs = "outputs";
    public const string InferenceResult = "inference_result";
    public const string Inputs = "inputs";
    public const string Logprobs = "cumulative_logprobs";

    /// <summary>The index in <paramref name="names"/> of the outputs column, or -1 when there is none.</summary>
    /// <param name="names">The file's column names, in file order.</param>
    /// <param name="isText">Whether the column at an index holds text (only asked for the last rules).</param>
    /// <param name="jobIds">Names the outputs column may carry, in order of preference; a <see cref="KnownJobId"/>
    /// when the caller knows the job.</param>
    /// <exception cref="ResultDecodeException">The job is known and the outputs column is named after another one.</exception>
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

        var text = Enumerable.Range(0, names.Count).Where(i => names[i] is not (Inputs or Logprobs) && isText(i)).ToList();
        var named = text.Where(i => LooksLikeJobId(names[i])).ToList();
        if (jobIds is KnownJobId known)
        {
            var other = named.Count == 1 ? named : text.Count == 1 ? text : null;
            if (other is not null && LooksLikeJobId(names[other[0]]))
            {
                throw new ResultDecodeException(
                    $"These results are not those of job '{known.JobId}': their outputs column is named '{names[other[0]]}', " +
                    $"which is another job's id, and no column is named '{known.JobId}' or '{Outputs}'. No rows were read. " +
                    $"Check the job id and the URL; to read a saved file as the job it names, leave out -JobId.");
            }

            return -1;
        }

        return text.Count == 1 ? text[0] : named.Count == 1 ? named[0] : -1;
    }

    /// <summary>A Sutro job id as a column name: <c>job_...</c> or <c>job-...</c>.</summary>
    public static bool LooksLikeJobId(string name) =>
        name.Length > 4 && name.StartsWith("job", StringComparison.Ordinal) && name[3] is '_' or '-';

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
        string rule = jobIds is KnownJobId ? string.Empty : ", or a single text column besides 'inputs' and 'cumulative_logprobs'";
        string advice = jobIds is KnownJobId
            ? "Check that the file or the server's answer holds this job's results."
            : "Pass -JobId to name the job whose id the outputs column carries.";
        return new ResultDecodeException(
            $"The {format} results have no outputs column: expected one named {string.Join(" or ", expected)}{rule}; " +
            $"found {found}. {advice}");
    }
}
