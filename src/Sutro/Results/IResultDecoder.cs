using System;
using System.Collections.Generic;
using System.Threading;

namespace Sutro.Results;

/// <summary>
/// Decodes one results file. Opening a decoder validates the whole body first, so a malformed
/// body fails before any row is produced; <see cref="ReadBatches"/> then yields rows in order.
/// A decoder knows nothing of HTTP or PowerShell.
/// </summary>
public interface IResultDecoder : IDisposable
{
    ResultSchema Schema { get; }

    /// <summary>Total number of rows, known from validation.</summary>
    long RowCount { get; }

    /// <summary>
    /// Yields the rows in batches, in body order.
    /// </summary>
    IEnumerable<ResultBatch> ReadBatches(CancellationToken cancellationToken);
}
