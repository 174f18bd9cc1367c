using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sutro.Results;
using Xunit;

namespace Sutro.Tests;

/// <summary>
/// The queue between a decoding thread and its consumer: every item exactly once and in order, whatever the
/// capacity and whichever side is faster; the end, a failure and cancellation on either side.
/// </summary>
public class HandoffQueueTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(1, 1, 0)]
    [InlineData(2, 0, 1)]
    [InlineData(8, 0, 0)]
    [InlineData(8, 1, 0)]
    [InlineData(8, 0, 1)]
    [InlineData(3, 2, 2)]
    public async Task EveryItemArrivesOnceInOrder(int capacity, int producerPauseEvery, int consumerPauseEvery)
    {
        const int Items = 20_000;
        using var queue = new HandoffQueue<int>(capacity, CancellationToken.None, CancellationToken.None);
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < Items; i++)
            {
                queue.Add(i);
                if (producerPauseEvery > 0 && i % 997 == 0)
                {
                    Thread.Sleep(1);
                }
            }

            queue.Complete();
        });

        var seen = new List<int>(Items);
        while (queue.TryTake(out int item))
        {
            seen.Add(item);
            if (consumerPauseEvery > 0 && item % 991 == 0)
            {
                Thread.Sleep(1);
            }
        }

        await producer.WaitAsync(Limit);
        Assert.Equal(Enumerable.Range(0, Items), seen);
        Assert.False(queue.TryTake(out _));
    }

    [Fact]
    public void NothingAddedEndsAtOnce()
    {
        using var queue = new HandoffQueue<string>(4, CancellationToken.None, CancellationToken.None);
        queue.Complete();
        Assert.False(queue.TryTake(out string? item));
        Assert.Null(item);
    }

    [Fact]
    public void ItemsAddedBeforeTheEndAreStillTaken()
    {
        using var queue = new HandoffQueue<string>(4, CancellationToken.None, CancellationToken.None);
        queue.Add("a");
        queue.Add("b");
        queue.Complete();
        Assert.True(queue.TryTake(out string? first));
        Assert.True(queue.TryTake(out string? second));
        Assert.False(queue.TryTake(out _));
        Assert.Equal(("a", "b"), (first, second));
    }

    [Fact]
    public async Task AFullQueueWaitsUntilCancelled()
    {
        using var stop = new CancellationTokenSource();
        using var queue = new HandoffQueue<int>(2, stop.Token, CancellationToken.None);
        queue.Add(1);
        queue.Add(2);
        var blocked = Task.Run(() => queue.Add(3));
        Assert.NotSame(blocked, await Task.WhenAny(blocked, Task.Delay(200)));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(Limit));
        Assert.True(queue.TryTake(out int first));
        Assert.Equal(1, first);
    }

    [Fact]
    public async Task AnEmptyQueueWaitsUntilCancelled()
    {
        using var stop = new CancellationTokenSource();
        using var queue = new HandoffQueue<int>(8, CancellationToken.None, stop.Token);
        var waiting = Task.Run(() => queue.TryTake(out _));
        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(200)));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Limit));
    }

    [Fact]
    public async Task AConsumerWaitingForHalfAQueueGetsTheLastItemsAtTheEnd()
    {
        // Capacity 8 wakes a sleeping consumer at 4 items; 3 items and the end must wake it too.
        using var queue = new HandoffQueue<int>(8, CancellationToken.None, CancellationToken.None);
        var taken = Task.Run(() =>
        {
            var items = new List<int>();
            while (queue.TryTake(out int item))
            {
                items.Add(item);
            }

            return items;
        });
        await Task.Delay(100);
        queue.Add(7);
        queue.Add(8);
        queue.Add(9);
        await Task.Delay(100);
        queue.Complete();
        Assert.Equal(new[] { 7, 8, 9 }, await taken.WaitAsync(Limit));
    }

    [Fact]
    public void PrefetchedItemsArriveInOrderAndAFailureAtItsPlace()
    {
        static IEnumerable<int> Source(CancellationToken token)
        {
            for (int i = 0; i < 1000; i++)
            {
                yield return i;
            }

            throw new InvalidOperationException("decoder failed after 1000 items");
        }

        var seen = new List<int>();
        var thrown = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (int item in BatchPrefetcher.Ahead(Source, 8, CancellationToken.None))
            {
                seen.Add(item);
            }
        });
        Assert.Equal("decoder failed after 1000 items", thrown.Message);
        Assert.Equal(Enumerable.Range(0, 1000), seen);
    }

    [Fact]
    public void LeavingThePrefetchEarlyStopsTheWorker()
    {
        int produced = 0;
        bool finished = false;
        IEnumerable<int> Source(CancellationToken token)
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    Interlocked.Increment(ref produced);
                    yield return i;
                }
            }
            finally
            {
                finished = true;
            }
        }

        var first = BatchPrefetcher.Ahead(Source, 4, CancellationToken.None).Take(10).ToList();
        Assert.Equal(Enumerable.Range(0, 10), first);
        // The worker has stopped (and run its finally) before Ahead's enumerator finished disposing.
        Assert.True(finished);
        Assert.InRange(Volatile.Read(ref produced), 10, 10 + 4 + 1);
    }
}
