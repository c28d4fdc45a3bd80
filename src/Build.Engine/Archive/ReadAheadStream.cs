using System.Buffers;
using System.Collections.Concurrent;

namespace Build.Engine.Archive;

/// <summary>
/// Reads its source on a separate thread, a few MiB ahead of the consumer, so decompression overlaps
/// with file creation when unpacking (two cores: one inflates, one writes files).
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private const int ChunkSize = 1 << 20;

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _queue = new(6);
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _pump;
    private (byte[] Buffer, int Length) _current;
    private int _pos;
    private bool _done;
    private volatile System.Runtime.ExceptionServices.ExceptionDispatchInfo? _error;

    public ReadAheadStream(Stream source)
    {
        _pump = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    while (true)
                    {
                        byte[] buf = ArrayPool<byte>.Shared.Rent(ChunkSize);
                        int filled = 0;
                        while (filled < ChunkSize)
                        {
                            int n = source.Read(buf, filled, ChunkSize - filled);
                            if (n == 0)
                                break;
                            filled += n;
                        }
                        if (filled == 0)
                        {
                            ArrayPool<byte>.Shared.Return(buf);
                            return;
                        }
                        _queue.Add((buf, filled), _cts.Token);
                        if (filled < ChunkSize)
                            return;
                    }
                }
                catch (InvalidDataException ex)
                {
                    // GZipStream's way of saying the bytes are not valid deflate data.
                    _error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                        new Build.Engine.Errors.BuildException(Build.Engine.Errors.ErrorCode.InvalidArchive, "invalid layer archive: corrupt compressed data: " + ex.Message, ex));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
                }
                finally
                {
                    _queue.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        while (_current.Buffer is null || _pos == _current.Length)
        {
            if (_current.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_current.Buffer);
                _current = default;
            }
            if (_done || !_queue.TryTake(out _current, Timeout.Infinite))
            {
                _done = true;
                // Surface the source's failure (e.g. corrupt gzip) instead of a silent short read.
                _error?.Throw();
                return 0;
            }
            _pos = 0;
        }
        int n = Math.Min(buffer.Length, _current.Length - _pos);
        _current.Buffer.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cts.Cancel();
            // Drain so the pump's Add unblocks and ends; its exception (if any) was surfaced by Read.
            while (_queue.TryTake(out var item))
                ArrayPool<byte>.Shared.Return(item.Buffer);
            try
            {
                _pump.Wait();
            }
            catch (AggregateException)
            {
                // cancellation of the pump's blocked Add
            }
            _queue.Dispose();
            _cts.Dispose();
        }
        base.Dispose(disposing);
    }
}
