using System.Threading;

namespace Sutro.Results;

/// <summary>
/// Numbers of a results file that no .NET number holds (beyond [double]'s range, such as <c>1e400</c>): they are
/// kept as their text, and counted here so the rows' writer warns once, naming the first.
/// </summary>
public sealed class NumberNotes
{
    private long _count;
    private string? _first;

    public long TextNumbers => Interlocked.Read(ref _count);

    /// <summary>The first such number and where it was, e.g. <c>1e400 in 'score'</c>.</summary>
    public string? First => Volatile.Read(ref _first);

    public void KeptAsText(string number, string column)
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            Volatile.Write(ref _first, $"{number} in '{column}'");
        }
    }

    /// <summary>The warning for the file, or null when every number kept its value.</summary>
    public string? Warning(string subject)
    {
        long count = TextNumbers;
        return count == 0
            ? null
            : $"{subject}: {count} number{(count == 1 ? " is" : "s are")} beyond the range of [double] (the first: " +
              $"{First}); no .NET number holds {(count == 1 ? "it" : "them")}, so {(count == 1 ? "it is" : "they are")} " +
              "kept as text, exactly as written.";
    }
}

/// <summary>A decoder that keeps numbers no .NET number holds as text, and says how many.</summary>
public interface IReportsNumbers
{
    NumberNotes Numbers { get; }
}
