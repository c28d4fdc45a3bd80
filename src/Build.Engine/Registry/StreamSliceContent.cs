using System.Buffers;
using System.Net;

namespace Build.Engine.Registry;

/// <summary>
/// A request body that is a byte range of a stream opened anew for every send, so a retried PUT or
/// PATCH re-reads the blob instead of replaying a half-consumed stream.
/// </summary>
internal sealed class StreamSliceContent : HttpContent
{
    private readonly Func<CancellationToken, Task<Stream>> _open;
    private readonly long _offset;
    private readonly long _length;

    public StreamSliceContent(Func<CancellationToken, Task<Stream>> open, long offset, long length)
    {
        _open = open;
        _offset = offset;
        _length = length;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using Stream source = await _open(cancellationToken).ConfigureAwait(false);
        if (_offset > 0)
        {
            if (source.CanSeek)
            {
                source.Seek(_offset, SeekOrigin.Begin);
            }
            else
            {
                await SkipAsync(source, _offset, cancellationToken).ConfigureAwait(false);
            }
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long remaining = _length;
            while (remaining > 0)
            {
                int n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    throw new IOException($"blob source ended {remaining} bytes early");
                await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private static async Task SkipAsync(Stream source, long count, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (count > 0)
            {
                int n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
                if (n == 0)
                    throw new IOException("blob source shorter than its declared size");
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
