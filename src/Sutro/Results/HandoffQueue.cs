using System;
using System.Threading;

namespace Sutro.Results;

/// <summary>
/// A bounded queue from one producer thread to one consumer thread, without a lock: each side only writes its
/// own counter, and a side that finds the queue empty (or full) sleeps on an event the other side sets once the
/// queue has filled (or drained) halfway. Each crossing of
/// <see cref="System.Collections.Concurrent.BlockingCollection{T}"/> takes two semaphores whose locks the two
/// threads then fight over; on two cores that spinning took a third of the Parquet decoder's CPU time. Used wherever
/// one thread hands work to another: decoded batches, inflated blocks of a ZIP entry, the download's copies for the
/// streaming validator.
/// </summary>
internal sealed class HandoffQueue<T> : IDisposable
{
    private readonly T[] _items;
    private readonly int _wakeConsumerAt;
    private readonly int _wakeProducerAt;
    private readonly ManualResetEventSlim _itemsReady = new(false, spinCount: 0);
    private readonly ManualResetEventSlim _spaceReady = new(false, spinCount: 0);
    private readonly CancellationToken _producerToken;
    private readonly CancellationToken _consumerToken;
    private long _added;
    private long _taken;
    private volatile bool _completed;
    private int _consumerWaiting;
    private int _producerWaiting;

    /// <param name="capacity">How many items may wait.</param>
    /// <param name="producerToken">Ends a wait of <see cref="Add"/> (the consumer cancels it when it stops early).</param>
    /// <param name="consumerToken">Ends a wait of <see cref="TryTake"/>.</param>
    public HandoffQueue(int capacity, CancellationToken producerToken, CancellationToken consumerToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
        _wakeConsumerAt = (capacity + 1) / 2;
        _wakeProducerAt = capacity / 2;
        _producerToken = producerToken;
        _consumerToken = consumerToken;
    }

    /// <summary>Adds an item, waiting while the queue is full; throws when the producer's token is cancelled.</summary>
    public void Add(T item)
    {
        long added = _added;
        while (added - Volatile.Read(ref _taken) == _items.Length)
        {
            _spaceReady.Reset();
            Interlocked.Exchange(ref _producerWaiting, 1);
            if (added - Volatile.Read(ref _taken) == _items.Length)
            {
                _spaceReady.Wait(_producerToken);
            }

            Volatile.Write(ref _producerWaiting, 0);
        }

        _producerToken.ThrowIfCancellationRequested();
        _items[added % _items.Length] = item;
        Volatile.Write(ref _added, added + 1);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _consumerWaiting) == 1 && added + 1 - Volatile.Read(ref _taken) >= _wakeConsumerAt)
        {
            _itemsReady.Set();
        }
    }

    /// <summary>Says no more items will come, and wakes the consumer.</summary>
    public void Complete()
    {
        _completed = true;
        Interlocked.MemoryBarrier();
        _itemsReady.Set();
    }

    /// <summary>
    /// Takes the next item, waiting while the queue is empty; false once it is empty and complete. Throws when the
    /// consumer's token is cancelled.
    /// </summary>
    public bool TryTake(out T item)
    {
        long taken = _taken;
        while (Volatile.Read(ref _added) == taken)
        {
            if (_completed)
            {
                if (Volatile.Read(ref _added) == taken)
                {
                    item = default!;
                    return false;
                }

                break;
            }

            _itemsReady.Reset();
            Interlocked.Exchange(ref _consumerWaiting, 1);
            if (Volatile.Read(ref _added) == taken && !_completed)
            {
                _itemsReady.Wait(_consumerToken);
            }

            Volatile.Write(ref _consumerWaiting, 0);
        }

        _consumerToken.ThrowIfCancellationRequested();
        int slot = (int)(taken % _items.Length);
        item = _items[slot];
        _items[slot] = default!;
        Volatile.Write(ref _taken, taken + 1);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _producerWaiting) == 1 && Volatile.Read(ref _added) - (taken + 1) <= _wakeProducerAt)
        {
            _spaceReady.Set();
        }

        return true;
    }

    public void Dispose()
    {
        _itemsReady.Dispose();
        _spaceReady.Dispose();
    }
}
