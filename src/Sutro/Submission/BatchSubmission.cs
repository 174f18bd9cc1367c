using System;
using System.IO;
using System.Text.Json;

namespace Sutro.Submission;

/// <summary>
/// One job to submit: the fields of <c>POST batch-inference</c>, and where its inputs are (a spool of
/// inputs, or the URL of a CSV/Parquet file with the column to read). JSON-valued fields hold JSON text.
/// </summary>
internal sealed record BatchSubmission
{
    public const int MaxNameLength = 45;
    public const int MaxDescriptionLength = 512;

    public required string Model { get; init; }

    /// <summary>The job's name: also what finds the job again when a submission's outcome is unknown.</summary>
    public required string Name { get; init; }

    public InputSpool? Inputs { get; init; }

    public Uri? InputUrl { get; init; }

    public string? Column { get; init; }

    public string? IdColumn { get; init; }

    public int Priority { get; init; }

    public string? SystemPrompt { get; init; }

    /// <summary>The JSON schema of structured outputs (a JSON object, as text).</summary>
    public string? JsonSchema { get; init; }

    /// <summary>Sampling parameters (a JSON object, as text).</summary>
    public string? SamplingParams { get; init; }

    public bool CostEstimate { get; init; }

    public bool? RandomSeedPerInput { get; init; }

    /// <summary>Always sent: rows longer than the model's context are cut (true) or fail (false).</summary>
    public bool TruncateRows { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// The body's fields other than <c>inputs</c>, as the start of a JSON object (no closing brace):
    /// the inputs follow, then <c>}</c>. A URL's inputs are part of it.
    /// </summary>
    public byte[] Head()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", Model);
            w.WriteNumber("job_priority", Priority);
            w.WriteString("name", Name);
            if (Description is not null)
            {
                w.WriteString("description", Description);
            }

            if (SystemPrompt is not null)
            {
                w.WriteString("system_prompt", SystemPrompt);
            }

            if (JsonSchema is not null)
            {
                w.WritePropertyName("json_schema");
                w.WriteRawValue(JsonSchema);
            }

            if (SamplingParams is not null)
            {
                w.WritePropertyName("sampling_params");
                w.WriteRawValue(SamplingParams);
            }

            w.WriteBoolean("cost_estimate", CostEstimate);
            if (RandomSeedPerInput is { } seed)
            {
                w.WriteBoolean("random_seed_per_input", seed);
            }

            w.WriteBoolean("truncate_rows", TruncateRows);

            if (InputUrl is not null)
            {
                w.WriteString("inputs", InputUrl.AbsoluteUri);
                w.WriteString("column_name", Column);
                if (IdColumn is not null)
                {
                    w.WriteString("id_column_name", IdColumn);
                }
            }
            else
            {
                w.WritePropertyName("inputs");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A name for a job submitted without one, unique enough to find it again: ps-yyyyMMddHHmmss-xxxxxx.</summary>
    public static string GenerateName(DateTime utcNow)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var random = new char[6];
        for (int i = 0; i < random.Length; i++)
        {
            random[i] = letters[System.Security.Cryptography.RandomNumberGenerator.GetInt32(letters.Length)];
        }

        return $"ps-{utcNow:yyyyMMddHHmmss}-{new string(random)}";
    }
}
