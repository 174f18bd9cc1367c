using System.Collections.Generic;
using System.Threading;

namespace Sutro.Results;

/// <summary>The optional columns a request asked for.</summary>
internal sealed record ColumnsAsked(bool Inputs, bool Logprobs);

/// <summary>
/// A decoder whose rows leave out the inputs and cumulative_logprobs columns where they were not asked for, so
/// rows read from a file that holds more than a request asked (a cached result downloaded with the inputs) equal
/// the rows a download of just that request gives.
/// </summary>
internal sealed class ColumnsAskedDecoder : IResultDecoder
{
    private readonly IResultDecoder _inner;

    public ColumnsAskedDecoder(IResultDecoder inner, ColumnsAsked asked)
    {
        _inner = inner;
        var schema = inner.Schema;
        Schema = new ResultSchema(schema.HasInput && asked.Inputs, schema.HasLogprob && asked.Logprobs, schema.ExtraColumns);
    }

    public ResultSchema Schema { get; }

    public long RowCount => _inner.RowCount;

    public IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken) => _inner.ReadBatches(cancellationToken);

    public void Dispose() => _inner.Dispose();
}
