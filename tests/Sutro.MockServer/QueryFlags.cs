using System;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sutro.MockServer;

/// <summary>The results query: format (<c>result_format</c> or <c>format</c>) and the two include flags.</summary>
public readonly record struct ResultQuery(ResultFormat Format, bool IncludeInputs, bool IncludeLogprobs);

public static class QueryFlags
{
    public static bool TryParseFormat(string? value, out ResultFormat format)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "json": format = ResultFormat.Json; return true;
            case "csv": format = ResultFormat.Csv; return true;
            case "parquet": format = ResultFormat.Parquet; return true;
            default: format = ResultFormat.Json; return false;
        }
    }

    public static bool TryParseBool(string? value, out bool result)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "": result = false; return true;
            case "true" or "1" or "yes" or "on": result = true; return true;
            case "false" or "0" or "no" or "off": result = false; return true;
            default: result = false; return false;
        }
    }

    /// <summary>Parses the results query; on error returns null and sets <paramref name="error"/> (a 400 detail).</summary>
    public static ResultQuery? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        string? rf = Single(query, "result_format"), f = Single(query, "format");
        if (rf is not null && f is not null && !string.Equals(rf.Trim(), f.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            error = $"result_format ({rf}) and format ({f}) disagree";
            return null;
        }
        string? chosen = rf ?? f;
        var format = ResultFormat.Json;
        if (chosen is not null && !TryParseFormat(chosen, out format))
        {
            error = $"Invalid result format: {chosen} (expected json, csv or parquet)";
            return null;
        }
        if (!TryParseBool(Single(query, "include_inputs"), out bool inputs))
        {
            error = "include_inputs must be true or false";
            return null;
        }
        if (!TryParseBool(Single(query, "include_cumulative_logprobs"), out bool logprobs))
        {
            error = "include_cumulative_logprobs must be true or false";
            return null;
        }
        return new ResultQuery(format, inputs, logprobs);
    }

    private static string? Single(IQueryCollection query, string name)
    {
        StringValues v = query[name];
        return v.Count == 0 ? null : v[^1];
    }
}
