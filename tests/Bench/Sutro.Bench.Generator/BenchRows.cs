using System;
using System.Text;

namespace Sutro.Bench.Generator;

/// <summary>
/// Deterministic, random-access result rows: row i depends only on the seed and i, so each file can be
/// written column by column without holding the rows. Inputs are about 200 characters and outputs about
/// 400; one output in five spans several lines; the text holds commas, quotes, accented letters and emoji;
/// logprobs are full-precision doubles.
/// </summary>
internal sealed class BenchRows
{
    private static readonly string[] Words =
    {
        "the", "batch", "model", "customer", "invoice", "latency", "review", "summary", "shipping", "refund",
        "quality", "report", "quarter", "growth", "signal", "network", "storage", "account", "product", "feature",
        "a", "of", "and", "to", "in", "with", "for", "on", "about", "from", "is", "was", "not", "very",
        "café", "naïve", "Zürich", "São Paulo", "façade", "Ærøskøbing", "crème brûlée", "Dvořák", "piñata", "Łódź",
        "\"quoted\"", "\"really\"", "well,", "however,", "so,", "yes,", "(see above)", "50%", "$12.99", "#42",
        "🚀", "👍🏽", "🇫🇷", "😀", "✅", "日本語", "Ωmega", "—",
    };

    private readonly ulong _seed;

    public BenchRows(ulong seed) => _seed = seed;

    public string Input(long index)
    {
        ulong state = Start(index, 1);
        return Text($"Row {index}: summarise this customer note,", ref state, 200, multiline: false);
    }

    public string Output(long index)
    {
        ulong state = Start(index, 2);
        bool multiline = Next(ref state) % 5 == 0;
        return Text($"Summary {index}:", ref state, 400, multiline);
    }

    public double Logprob(long index)
    {
        ulong state = Start(index, 3);
        // A full 53-bit mantissa, as a model's summed log probabilities are.
        return -((Next(ref state) >> 11) * (1.0 / (1UL << 53))) * 60.0;
    }

    /// <summary>Row <paramref name="index"/>'s embedding: values in [-1, 1), full doubles.</summary>
    public void Embedding(long index, Span<double> values)
    {
        ulong state = Start(index, 4);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (Next(ref state) >> 11) * (2.0 / (1UL << 53)) - 1.0;
        }
    }

    private ulong Start(long index, ulong column)
    {
        ulong state = _seed ^ ((ulong)index * 0x9E3779B97F4A7C15UL) ^ (column * 0xD1B54A32D192ED03UL);
        Next(ref state);
        return state;
    }

    private static string Text(string prefix, ref ulong state, int target, bool multiline)
    {
        // Lengths vary by about ±25%, averaging the target.
        int length = target * 3 / 4 + (int)(Next(ref state) % (ulong)(target / 2 + 1));
        var sb = new StringBuilder(prefix, length + 32);
        int sinceBreak = 0;
        while (sb.Length < length)
        {
            if (multiline && sinceBreak > 12 && Next(ref state) % 6 == 0)
            {
                sb.Append(Next(ref state) % 3 == 0 ? "\r\n" : "\n");
                sinceBreak = 0;
            }
            else
            {
                sb.Append(' ');
            }

            sb.Append(Words[(int)(Next(ref state) % (ulong)Words.Length)]);
            sinceBreak++;
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
}
