using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace Sutro.MockServer;

/// <summary>
/// A huge, deterministic, random-access row list (row i depends only on i), so big results can be written
/// without ever holding every row in memory.
/// </summary>
public sealed class GeneratedRows : IReadOnlyList<ResultRow>
{
    private static readonly string[] s_words =
    {
        "the", "batch", "model", "customer", "invoice", "latency", "review", "summary", "shipping", "refund",
        "quality", "report", "quarter", "growth", "signal", "network", "storage", "account", "product", "feature",
        "delivery", "support", "pricing", "weather", "language", "history", "science", "market", "policy", "travel",
        "a", "of", "and", "to", "in", "with", "for", "on", "about", "from",
    };

    private readonly int _inputChars, _outputChars;

    public GeneratedRows(int count, int inputChars, int outputChars)
    {
        Count = count;
        _inputChars = inputChars;
        _outputChars = outputChars;
    }

    public int Count { get; }

    public ResultRow this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            ulong seed = (ulong)index * 0x9E3779B97F4A7C15UL + 0x1234567UL;
            ulong state = Next(ref seed); // each row starts at an unrelated point of the sequence
            string input = Text($"Row {index}: summarise this note about", ref state, _inputChars);
            string output = Text($"Summary {index}:", ref state, _outputChars);
            double logprob = -Math.Round((Next(ref state) % 10_000_000UL) / 100_000.0, 5);
            return new ResultRow(input, output, logprob);
        }
    }

    private static string Text(string prefix, ref ulong state, int length)
    {
        var sb = new StringBuilder(prefix, length + 16);
        while (sb.Length < length)
        {
            sb.Append(' ').Append(s_words[(int)(Next(ref state) % (ulong)s_words.Length)]);
        }
        sb.Append('.');
        return sb.ToString();
    }

    /// <summary>SplitMix64.</summary>
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public IEnumerator<ResultRow> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
