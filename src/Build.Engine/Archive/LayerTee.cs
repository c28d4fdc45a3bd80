using System.Buffers;
using System.Collections.Concurrent;

namespace Build.Engine.Archive;

/// <summary>
/// A second consumer of <see cref="LayerWriter"/>'s tar chunks: it unpacks the layer into a directory while the
/// layer is being written, so a step whose layer the next step stands on never pays for inflating and parsing
/// it back (the same <see cref="LayerUnpacker"/> does the work, so the directory is exactly what unpacking the
/// finished blob would give).
/// </summary>
/// <remarks>
/// It is an optimisation, never a reason for a write to fail: if unpacking fails, the tee stops taking chunks,
/// <see cref="FinishAsync"/> answers false, and the caller discards the directory (the layer is then unpacked
/// from its blob when it is needed, which reports any real problem).
/// </remarks>
internal sealed class LayerTee
{
    private const int QueueDepth = 8;

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _queue = new(QueueDepth);
    private readonly CancellationTokenSource _cts;
    private readonly Task<bool> _task;
    private volatile bool _failed;

    private LayerTee(string directory, UnpackOptions options, CancellationToken ct)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _task = RunAsync(directory, options);
    }

    public static LayerTee Start(string directory, UnpackOptions options, CancellationToken ct) => new(directory, options, ct);

    /// <summary>Hands one chunk of tar to the unpacker (copied: the caller keeps its buffer). Blocks while the unpacker is behind.</summary>
    public void Write(ReadOnlySpan<byte> chunk)
    {
        if (_failed || chunk.IsEmpty)
            return;
        var buffer = ArrayPool<byte>.Shared.Rent(chunk.Length);
        chunk.CopyTo(buffer);
        try
        {
            _queue.Add((buffer, chunk.Length), _cts.Token);
        }
        catch (OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        catch (InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(buffer); // completed: the write is over
        }
    }

    /// <summary>
    /// Ends the input and waits for the unpacker, always (the caller may delete the directory as soon as this
    /// returns): true when the directory holds the whole layer. When the write itself failed, the unpacker is stopped
    /// instead of being given the rest.
    /// </summary>
    public async Task<bool> FinishAsync(bool writeSucceeded)
    {
        if (!writeSucceeded)
        {
            _failed = true;
            _cts.Cancel();
        }
        _queue.CompleteAdding();
        bool ok = await _task.ConfigureAwait(false);
        _cts.Dispose();
        return ok && !_failed;
    }

    private async Task<bool> RunAsync(string directory, UnpackOptions options)
    {
        try
        {
            await using var stream = new QueueReadStream(_queue, _cts.Token);
            await LayerUnpacker.ApplyAsync(stream, directory, options, _cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            _failed = true;
            _cts.Cancel();
            return false;
        }
        finally
        {
            // Return whatever was queued and never read, so a failed tee does not leak pooled buffers.
            _queue.CompleteAdding();
            while (_queue.TryTake(out var item))
                ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    /// <summary>The reading end: chunks from the queue as one stream, each buffer returned to the pool once read.</summary>
    private sealed class QueueReadStream(BlockingCollection<(byte[] Buffer, int Length)> queue, CancellationToken ct) : ReadOnlyStream
    {
        private byte[]? _current;
        private int _length;
        private int _offset;

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
                return 0;
            while (_current is null || _offset == _length)
            {
                Release();
                if (!queue.TryTake(out var item, Timeout.Infinite, ct))
                    return 0; // completed and empty: the end of the tar
                (_current, _length, _offset) = (item.Buffer, item.Length, 0);
            }
            int n = Math.Min(buffer.Length, _length - _offset);
            _current.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        private void Release()
        {
            if (_current is not null)
                ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                Release();
            base.Dispose(disposing);
        }
    }
}
