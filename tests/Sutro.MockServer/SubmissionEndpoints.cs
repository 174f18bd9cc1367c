using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Parquet;
using Parquet.Schema;

namespace Sutro.MockServer;

/// <summary>
/// <c>POST batch-inference</c>: validates the body as the API does, creates a job from the submitted inputs
/// (ids <c>job_sub_0001</c>, <c>job_sub_0002</c>... counted afresh after a reset) and answers
/// <c>{"results": "&lt;job id&gt;"}</c>. The job moves QUEUED -> RUNNING -> SUCCEEDED, one step per status
/// read, and serves <see cref="SubmittedRows"/> in every format. <c>cost_estimate: true</c> makes an estimate
/// job (run type <c>COST_ESTIMATE</c>, <c>cost_estimate</c> set when it has succeeded, no outputs).
/// Inputs given as a URL (<c>inputs</c> a string, with <c>column_name</c>) are fetched, read as Parquet, and
/// the named column (and <c>id_column_name</c>) become the rows. The request log shows the body's fields
/// (<c>submission</c>) and, up to 1 MiB, the body exactly as received (<c>body</c>).
/// <c>POST /_mock/submission</c> scripts the next submissions (see <see cref="SubmissionScript"/>).
/// </summary>
public static class SubmissionEndpoints
{
    /// <summary>Inputs kept verbatim in the request log; beyond that only their number is logged.</summary>
    private const int LoggedInputs = 1000;

    public static void Map(IEndpointRouteBuilder api) => api.MapPost("/batch-inference", Submit);

    public static void MapControl(IEndpointRouteBuilder app) => app.MapPost("/_mock/submission", async ctx =>
    {
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            ctx.RequestServices.GetRequiredService<SubmissionScript>().Set(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            await HttpOut.Detail(ctx, 400, "Invalid submission script: " + ex.Message);
            return;
        }
        await HttpOut.Json(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteEndObject();
        });
    });

    /// <summary>The estimate of a run: 0.001 USD a row plus 0.00001 USD a character of input.</summary>
    public static double Estimate(int rows, long inputChars) => Math.Round(rows * 0.001 + inputChars * 0.00001, 6);

    private static async Task Submit(HttpContext ctx)
    {
        IServiceProvider services = ctx.RequestServices;
        JsonDocument doc;
        long bodyBytes;
        try
        {
            var counting = new CountingStream(ctx.Request.Body);
            doc = await JsonDocument.ParseAsync(counting, cancellationToken: ctx.RequestAborted);
            bodyBytes = counting.Count;
            if (ctx.Items.TryGetValue(typeof(RequestLogEntry), out object? logged) && logged is RequestLogEntry entry)
            {
                entry.Body = counting.Captured;
            }
        }
        catch (JsonException ex)
        {
            await HttpOut.Detail(ctx, 400, "The body is not JSON: " + ex.Message);
            return;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            ctx.Abort();
            return;
        }

        using (doc)
        {
            JsonElement body = doc.RootElement;
            Log(ctx, body, bodyBytes);
            string? problem = Validate(body);
            if (problem is not null)
            {
                await HttpOut.Detail(ctx, 422, problem);
                return;
            }

            List<byte[]?> inputs;
            ExtraColumn? idColumn = null;
            if (body.GetProperty("inputs").ValueKind == JsonValueKind.String)
            {
                try
                {
                    (inputs, idColumn) = await FetchInputsAsync(body.GetProperty("inputs").GetString()!,
                        body.GetProperty("column_name").GetString()!, OptionalString(body, "id_column_name"));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await HttpOut.Detail(ctx, 400, "Could not read the input file: " + ex.Message);
                    return;
                }
            }
            else
            {
                inputs = body.GetProperty("inputs").EnumerateArray()
                    .Select(e => (byte[]?)Encoding.UTF8.GetBytes(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()))
                    .ToList();
            }

            var catalog = services.GetRequiredService<JobCatalog>();
            SubmissionScript.Step script = services.GetRequiredService<SubmissionScript>().Next();
            string jobId = NextJobId(catalog);
            bool estimate = body.TryGetProperty("cost_estimate", out JsonElement ce) && ce.ValueKind == JsonValueKind.True;
            string? schema = body.TryGetProperty("json_schema", out JsonElement js) && js.ValueKind == JsonValueKind.Object
                ? js.GetRawText() : null;
            long chars = inputs.Sum(i => i is null ? 0L : Encoding.UTF8.GetCharCount(i));
            var rows = new SubmittedRows(script.DropRows > 0 ? inputs.Take(Math.Max(0, inputs.Count - script.DropRows)).ToList() : inputs,
                schema, estimate);
            catalog.Upsert(new JobDefinition
            {
                JobId = jobId,
                Name = OptionalString(body, "name"),
                Description = OptionalString(body, "description"),
                Model = body.GetProperty("model").GetString()!,
                SystemPrompt = OptionalString(body, "system_prompt"),
                JobPriority = body.TryGetProperty("job_priority", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0,
                DatetimeCreated = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                JsonSchema = schema,
                SamplingParams = body.TryGetProperty("sampling_params", out JsonElement sp) && sp.ValueKind == JsonValueKind.Object
                    ? sp.GetRawText() : null,
                Statuses = script.Statuses,
                FailureReason = script.FailureReason,
                Rows = rows,
                IdColumn = idColumn,
                TokenOverride = (inputs.Count + chars / 4, estimate ? 0 : rows.OutputChars / 4 + inputs.Count),
                RunType = estimate ? "COST_ESTIMATE" : "FULL",
                CostEstimate = estimate ? Estimate(inputs.Count, chars) : null,
            });

            if (script.CutConnection)
            {
                ctx.Abort();
                return;
            }
            if (script.AnswerStatus is int status)
            {
                await HttpOut.Bytes(ctx, status, Encoding.UTF8.GetBytes(script.AnswerBody ?? ""),
                    (script.AnswerBody ?? "").TrimStart().StartsWith('{') ? "application/json" : "text/html; charset=utf-8");
                return;
            }
            await HttpOut.Json(ctx, 200, w =>
            {
                w.WriteStartObject();
                if (script.OldAnswer) w.WriteString("job_id", jobId);
                else w.WriteString("results", jobId);
                w.WriteString("message", "Job submitted");
                w.WriteEndObject();
            });
        }
    }

    /// <summary>What the API checks: a 422 with a FastAPI-style detail names the first problem.</summary>
    private static string? Validate(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return "The body must be a JSON object.";
        if (!body.TryGetProperty("model", out JsonElement model) || model.ValueKind != JsonValueKind.String
            || model.GetString()!.Length == 0) return "model is required.";
        if (!body.TryGetProperty("inputs", out JsonElement inputs)) return "inputs is required.";
        bool url = inputs.ValueKind == JsonValueKind.String;
        if (url && OptionalString(body, "column_name") is null) return "column_name is required with a file of inputs.";
        if (!url && inputs.ValueKind != JsonValueKind.Array) return "inputs must be a list or the URL of a file.";
        if (!url && OptionalString(body, "id_column_name") is not null) return "id_column_name is only allowed with a file of inputs.";
        if (!url && inputs.GetArrayLength() == 0) return "inputs must not be empty.";
        if (!url && inputs.EnumerateArray().Any(i => i.ValueKind is not (JsonValueKind.String or JsonValueKind.Object)))
            return "each input must be a string or an object.";
        if (body.TryGetProperty("job_priority", out JsonElement p)
            && !(p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out int priority) && priority is 0 or 1))
            return "job_priority must be 0 or 1.";
        if (OptionalString(body, "name") is { Length: > 45 }) return "name must be at most 45 characters.";
        if (OptionalString(body, "description") is { Length: > 512 }) return "description must be at most 512 characters.";
        foreach (string name in new[] { "json_schema", "sampling_params" })
        {
            if (body.TryGetProperty(name, out JsonElement o) && o.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                return $"{name} must be an object.";
        }
        foreach (string name in new[] { "cost_estimate", "random_seed_per_input", "truncate_rows" })
        {
            if (body.TryGetProperty(name, out JsonElement b) && b.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return $"{name} must be true or false.";
        }
        return null;
    }

    /// <summary>Shows the body in the request log: every field as sent, the inputs up to a limit and their number.</summary>
    private static void Log(HttpContext ctx, JsonElement body, long bodyBytes)
    {
        if (!ctx.Items.TryGetValue(typeof(RequestLogEntry), out object? e) || e is not RequestLogEntry entry) return;
        entry.Submission = Encoding.UTF8.GetString(HttpOut.JsonBytes(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("body_bytes", bodyBytes);
            if (body.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in body.EnumerateObject())
                {
                    if (p.Name == "inputs" && p.Value.ValueKind == JsonValueKind.Array)
                    {
                        w.WriteNumber("input_count", p.Value.GetArrayLength());
                        w.WriteStartArray("inputs");
                        foreach (JsonElement i in p.Value.EnumerateArray().Take(LoggedInputs)) i.WriteTo(w);
                        w.WriteEndArray();
                    }
                    else
                    {
                        p.WriteTo(w);
                    }
                }
            }
            w.WriteEndObject();
        }));
    }

    private static string NextJobId(JobCatalog catalog)
    {
        int n = catalog.List().Count(j => j.Def.JobId.StartsWith("job_sub_", StringComparison.Ordinal));
        return $"job_sub_{n + 1:D4}";
    }

    private static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads a Parquet file of inputs from a URL: the text column, and the id column if named.</summary>
    private static async Task<(List<byte[]?>, ExtraColumn?)> FetchInputsAsync(string url, string column, string? idColumn)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            throw new FormatException("inputs must be an http(s) URL");
        using var http = new HttpClient();
        byte[] file = await http.GetByteArrayAsync(uri);
        using var stream = new MemoryStream(file);
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream, null, false);
        DataField[] fields = reader.Schema.GetDataFields();
        DataField text = fields.FirstOrDefault(f => f.Name == column)
            ?? throw new FormatException($"the file has no column '{column}'");
        DataField? id = idColumn is null ? null
            : fields.FirstOrDefault(f => f.Name == idColumn) ?? throw new FormatException($"the file has no column '{idColumn}'");
        var inputs = new List<byte[]?>();
        var ids = new List<object?>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var texts = new string?[n];
            await group.ReadAsync(text, texts.AsMemory());
            inputs.AddRange(texts.Select(t => t is null ? null : Encoding.UTF8.GetBytes(t)));
            if (id is null) continue;
            if (id.ClrType == typeof(long) || id.ClrType == typeof(int))
            {
                var values = new long?[n];
                if (id.ClrType == typeof(long)) await group.ReadAsync<long>(id, values.AsMemory());
                else
                {
                    var ints = new int?[n];
                    await group.ReadAsync<int>(id, ints.AsMemory());
                    for (int i = 0; i < n; i++) values[i] = ints[i];
                }
                ids.AddRange(values.Select(v => (object?)v));
            }
            else if (id.ClrType == typeof(double))
            {
                var values = new double?[n];
                await group.ReadAsync<double>(id, values.AsMemory());
                ids.AddRange(values.Select(v => (object?)v));
            }
            else
            {
                var values = new string?[n];
                await group.ReadAsync(id, values.AsMemory());
                ids.AddRange(values);
            }
        }
        return (inputs, id is null ? null : new ExtraColumn(id.Name, ids));
    }

    /// <summary>Bodies up to this size are kept verbatim in the request log (<c>body</c>).</summary>
    private const int CapturedBytes = 1024 * 1024;

    private sealed class CountingStream(Stream inner) : Stream
    {
        private readonly MemoryStream _captured = new();

        public long Count { get; private set; }

        /// <summary>The body as received (UTF-8), or null when it was longer than <see cref="CapturedBytes"/>.</summary>
        public string? Captured => Count <= CapturedBytes ? Encoding.UTF8.GetString(_captured.GetBuffer(), 0, (int)_captured.Length) : null;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Add(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, System.Threading.CancellationToken ct = default)
        {
            int n = await inner.ReadAsync(buffer, ct);
            return Add(buffer.Span[..n]);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        private int Add(ReadOnlySpan<byte> read)
        {
            if (Count + read.Length <= CapturedBytes) _captured.Write(read);
            Count += read.Length;
            return read.Length;
        }
    }
}

/// <summary>
/// What the next submissions do, set by <c>POST /_mock/submission</c> and cleared by a reset:
/// <c>{"statuses": [...], "failure_reason": {...}, "answer_status": 524, "answer_body": "...",
/// "cut_connection": true, "old_answer": true, "drop_rows": 1, "times": 1}</c>. Whatever it says, the job is created
/// first; <c>answer_status</c> then replaces the answer (a CDN timeout after the work was done) and
/// <c>cut_connection</c> drops the connection instead of answering; <c>drop_rows</c> leaves the last N inputs
/// out of the results (fewer result rows than inputs). <c>times</c> (default 1, -1 until
/// reset) counts the submissions it applies to; afterwards jobs move QUEUED -> RUNNING -> SUCCEEDED.
/// </summary>
public sealed class SubmissionScript
{
    public sealed record Step(IReadOnlyList<string> Statuses, string? FailureReason, int? AnswerStatus, string? AnswerBody,
        bool CutConnection, bool OldAnswer, int DropRows = 0);

    private static readonly Step Default = new(new[] { "QUEUED", "RUNNING", "SUCCEEDED" }, null, null, null, false, false);

    private readonly object _lock = new();
    private Step? _script;
    private int _remaining;

    public void Set(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException("the script must be a JSON object");
        var statuses = e.TryGetProperty("statuses", out JsonElement s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(x => x.GetString() ?? throw new FormatException("statuses must be strings")).ToList()
            : Default.Statuses.ToList();
        if (statuses.Count == 0) throw new FormatException("statuses must not be empty");
        var step = new Step(
            statuses,
            e.TryGetProperty("failure_reason", out JsonElement f) && f.ValueKind == JsonValueKind.Object ? f.GetRawText() : null,
            e.TryGetProperty("answer_status", out JsonElement a) && a.ValueKind == JsonValueKind.Number ? a.GetInt32() : null,
            e.TryGetProperty("answer_body", out JsonElement b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null,
            e.TryGetProperty("cut_connection", out JsonElement c) && c.ValueKind == JsonValueKind.True,
            e.TryGetProperty("old_answer", out JsonElement o) && o.ValueKind == JsonValueKind.True,
            e.TryGetProperty("drop_rows", out JsonElement d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : 0);
        lock (_lock)
        {
            _script = step;
            _remaining = e.TryGetProperty("times", out JsonElement t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 1;
        }
    }

    public void Clear()
    {
        lock (_lock) _script = null;
    }

    /// <summary>The behaviour of this submission (consumes one use of the script).</summary>
    public Step Next()
    {
        lock (_lock)
        {
            if (_script is null || _remaining == 0) return Default;
            Step step = _script;
            if (_remaining > 0 && --_remaining == 0) _script = null;
            return step;
        }
    }
}

/// <summary>
/// The rows of a submitted job, made on demand from its inputs (kept as UTF-8). Row i's output is
/// <c>Echo {i+1}: {input}</c>, or with a JSON schema an object of its properties (string
/// <c>"{name} {i+1}"</c>, integer i+1, number i+1.5, boolean i even, array [], object {}); its logprob
/// is -(i+1)/8. A null input (from a file) stays null. An estimate job's rows have no outputs.
/// </summary>
public sealed class SubmittedRows : IReadOnlyList<ResultRow>
{
    private readonly List<byte[]?> _inputs;
    private readonly List<(string Name, string Type)>? _properties;
    private readonly bool _estimate;

    public SubmittedRows(List<byte[]?> inputs, string? schema, bool estimate)
    {
        _inputs = inputs;
        _estimate = estimate;
        if (schema is not null)
        {
            using JsonDocument doc = JsonDocument.Parse(schema);
            _properties = new List<(string, string)>();
            if (doc.RootElement.TryGetProperty("properties", out JsonElement props) && props.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in props.EnumerateObject())
                {
                    string type = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("type", out JsonElement t)
                        && t.ValueKind == JsonValueKind.String ? t.GetString()! : "string";
                    _properties.Add((p.Name, type));
                }
            }
        }
        for (int i = 0; i < inputs.Count && !estimate; i++) OutputChars += OutputOf(i, null).Length;
    }

    public long OutputChars { get; }

    public int Count => _inputs.Count;

    public ResultRow this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
            string? input = _inputs[index] is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
            return _estimate ? new ResultRow(input, null, null) : new ResultRow(input, OutputOf(index, input), -(index + 1) / 8.0);
        }
    }

    private string OutputOf(int i, string? input)
    {
        if (_properties is null) return $"Echo {i + 1}: {input ?? (_inputs[i] is { } b ? Encoding.UTF8.GetString(b) : "")}";
        return Encoding.UTF8.GetString(HttpOut.JsonBytes(w =>
        {
            w.WriteStartObject();
            foreach (var (name, type) in _properties)
            {
                w.WritePropertyName(name);
                switch (type)
                {
                    case "integer": w.WriteNumberValue(i + 1); break;
                    case "number": w.WriteNumberValue(i + 1.5); break;
                    case "boolean": w.WriteBooleanValue(i % 2 == 0); break;
                    case "array": w.WriteStartArray(); w.WriteEndArray(); break;
                    case "object": w.WriteStartObject(); w.WriteEndObject(); break;
                    default: w.WriteStringValue($"{name} {i + 1}"); break;
                }
            }
            w.WriteEndObject();
        }));
    }

    public IEnumerator<ResultRow> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
