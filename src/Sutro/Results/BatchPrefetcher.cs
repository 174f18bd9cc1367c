using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Sutro.Results;

/// <summary>
/// Decodes the next batch on a worker thread while the caller consumes the current one, so on two
/// cores decoding overlaps with the pipeline. At most one finished batch waits; an exception from the
/// decoder surfaces at the position where it happened.
/// </summary>
internal static class BatchPrefetcher
{
    public static IEnumerable<ResultBatch> Prefetch(IResultDecoder decoder, CancellationToken cancellationToken) =>
        Ahead(decoder.ReadBatches, 1, cancellationToken);

    /// <summary>
    /// The items of <paramref name="source"/>, produced on a worker thread at most <paramref name="capacity"/> ahead of
    /// the caller; disposing the enumerator stops the worker and waits for it.
    /// </summary>
    public static IEnumerable<T> Ahead<T>(Func<CancellationToken, IEnumerable<T>> source, int capacity, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new HandoffQueue<T>(capacity, stop.Token, cancellationToken);
        Exception? failure = null;
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var batch in source(stop.Token))
                {
                    queue.Add(batch);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                queue.Complete();
            }
        });

        try
        {
            while (queue.TryTake(out T batch))
            {
                yield return batch;
            }

            producer.GetAwaiter().GetResult();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            // Stop the worker and wait for it, so the decoder's files are closed before the caller
            // deletes them.
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
            }
        }
    }
}
