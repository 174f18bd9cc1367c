using System;

namespace Sutro.Results.Parquet;

/// <summary>
/// One row's entries of one leaf column: each entry's definition and repetition level and, where the definition
/// level is the leaf's highest, its value (FLOAT and DOUBLE leaves keep theirs unboxed in <see cref="Numbers"/>).
/// </summary>
internal sealed class RowEntries
{
    public int[] Def = new int[16];
    public int[] Rep = new int[16];
    public object?[] Values = new object?[16];
    public double[] Numbers = new double[16];
    public int Count;

    public void Clear()
    {
        Array.Clear(Values, 0, Count);
        Count = 0;
    }

    /// <summary>Room for one more entry; returns its index.</summary>
    public int Next()
    {
        if (Count == Def.Length)
        {
            int size = Def.Length * 2;
            Array.Resize(ref Def, size);
            Array.Resize(ref Rep, size);
            Array.Resize(ref Values, size);
            Array.Resize(ref Numbers, size);
        }

        return Count++;
    }
}
