using System;
using System.Collections.Generic;
using System.Globalization;

namespace Sutro.Rows;

/// <summary>
/// The one rule that turns a column or field name into a property name a row can carry. PowerShell property
/// names are case-insensitive and cannot be empty, so:
/// <list type="bullet">
/// <item>an empty name becomes <c>Column1</c>, <c>Column2</c>, ... (counted per object, as Import-Csv names its
/// unnamed headers);</item>
/// <item>a name already taken (a standard property such as Output or Index, or an earlier name that differs only
/// in case) gets the prefix once (<c>Column_index</c>, <c>Output_Output</c>) and, if that is taken too, a number
/// (<c>Output_output_2</c>).</item>
/// </list>
/// A standard property therefore always keeps its value.
/// </summary>
internal sealed class PropertyNames
{
    /// <summary>The properties every row has, in the order they are shown.</summary>
    public static readonly string[] Standard = { "JobId", "Index", "Input", "Output", "CumulativeLogprob", "Reasoning" };

    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _prefix;
    private int _unnamed;

    /// <param name="prefix">What a taken name is prefixed with (e.g. <c>Column_</c>, <c>Output_</c>).</param>
    /// <param name="taken">Names already in use.</param>
    public PropertyNames(string prefix, IEnumerable<string>? taken = null)
    {
        _prefix = prefix;
        if (taken is not null)
        {
            _taken.UnionWith(taken);
        }
    }

    /// <summary>Marks a name as taken without renaming it.</summary>
    public void Reserve(string name) => _taken.Add(name);

    public bool IsTaken(string name) => _taken.Contains(name);

    /// <summary>The property name for <paramref name="name"/>, now taken.</summary>
    public string Assign(string name)
    {
        string result;
        if (name.Length == 0)
        {
            do
            {
                result = "Column" + (++_unnamed).ToString(CultureInfo.InvariantCulture);
            }
            while (_taken.Contains(result));
        }
        else if (!_taken.Contains(name))
        {
            result = name;
        }
        else
        {
            result = _prefix + name;
            for (int n = 2; _taken.Contains(result); n++)
            {
                result = _prefix + name + "_" + n.ToString(CultureInfo.InvariantCulture);
            }
        }

        _taken.Add(result);
        return result;
    }
}
