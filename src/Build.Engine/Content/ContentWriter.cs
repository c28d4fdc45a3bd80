using System.Security.Cryptography;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// A write-only stream into the content store: bytes go to a temp file in the blob directory and
/// through SHA-256 as they are written; <see cref="CommitAsync"/> verifies, fsyncs and renames the
/// file to its digest. Disposing without committing deletes the temp file, so an exception in the
/// producer leaves nothing behind.
/// </summary>
public sealed class ContentWriter : Stream
{
    private readonly string _directory;
    private readonly string _tempPath;
    private readonly StoreLease? _lease;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;
    private bool _done;

    internal ContentWriter(string directory, StoreLease? lease = null)
    {
        _directory = directory;
        _lease = lease;
        Directory.CreateDirectory(directory);
        // Same directory as the final name: rename is then atomic (one file system) and the temp
        // name (dot-prefixed) is never mistaken for a blob by ListAsync.
        _tempPath = Path.Combine(directory, ".tmp-" + Guid.NewGuid().ToString("N"));
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_done;

    public override long Length => _written;

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _hash.AppendData(buffer);
        _file.Write(buffer);
        _written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _hash.AppendData(buffer.Span);
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    /// <summary>
    /// Finishes the blob. With <paramref name="expected"/>, a different hash throws DigestMismatch
    /// and deletes the temp file. If the blob already exists (another writer won), the temp file is
    /// dropped and the existing blob stands: same digest, same bytes.
    /// </summary>
    public async Task<StoredBlob> CommitAsync(Digest? expected, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            var digest = Digest.FromSha256(_hash.GetHashAndReset());
            if (expected is { } e && e != digest)
                throw new BuildException(ErrorCode.DigestMismatch, $"content hashes to {digest}, expected {e} ({_written} bytes)");
            await _file.FlushAsync(ct).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
            await _file.DisposeAsync().ConfigureAwait(false);
            string final = Path.Combine(_directory, digest.Hex);
            if (_lease is null)
                Publish(final);
            else
                await _lease.GuardAsync(() => Publish(final), ct).ConfigureAwait(false); // the collector cannot interleave
            _done = true;
            return new StoredBlob(digest, _written);
        }
        finally
        {
            if (!_done)
                Abort();
        }
    }

    // An existing blob (same digest, same bytes) is kept and, under a lease, touched so the collector keeps it.
    private bool Publish(string final)
    {
        if (File.Exists(final))
        {
            File.Delete(_tempPath);
            if (_lease is not null)
                StoreLease.Touch(final);
        }
        else
        {
            File.Move(_tempPath, final, overwrite: true);
        }
        return true;
    }

    private void Abort()
    {
        _done = true;
        _file.Dispose();
        try
        {
            File.Delete(_tempPath);
        }
        catch (IOException)
        {
            // Best effort: a leftover .tmp- file is ignored by List and removed by a later GC.
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_done)
                Abort();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
