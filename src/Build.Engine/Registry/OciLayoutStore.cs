using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>
/// An OCI image layout directory (image-spec "image-layout.md": <c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/sha256/HEX</c>) as an <see cref="IBlobStore"/>, with names kept as
/// <c>org.opencontainers.image.ref.name</c> annotations in index.json, the way skopeo's <c>oci:DIR:NAME</c> does.
/// Blobs are written to <c>blobs/sha256/HEX.partial</c> first and renamed once verified, so a crash leaves
/// no blob under a digest it does not hash to, and an interrupted pull resumes from the partial file.
/// </summary>
public sealed class OciLayoutStore : IBlobStore
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private static readonly SemaphoreSlim IndexLock = new(1, 1);

    public OciLayoutStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(BlobDirectory);
        string layout = Path.Combine(Root, "oci-layout");
        if (!File.Exists(layout))
            File.WriteAllText(layout, "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    public string Root { get; }

    private string BlobDirectory => Path.Combine(Root, "blobs", "sha256");

    private string IndexPath => Path.Combine(Root, "index.json");

    public string BlobPath(Digest digest)
    {
        if (digest.Algorithm != "sha256")
            throw new BuildException(ErrorCode.InvalidDigest, $"unsupported digest algorithm in {digest}");
        return Path.Combine(BlobDirectory, digest.Hex);
    }

    public Task<bool> ContainsAsync(Digest digest, CancellationToken ct) => Task.FromResult(Contains(digest));

    public bool Contains(Digest digest) => File.Exists(BlobPath(digest));

    public Task<Stream> OpenReadAsync(Digest digest, CancellationToken ct) => Task.FromResult(OpenRead(digest));

    public Stream OpenRead(Digest digest)
    {
        try
        {
            return new FileStream(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new BuildException(ErrorCode.NotFound, $"blob {digest} not found in {Root}");
        }
    }

    public async Task WriteAsync(Digest digest, Func<Stream, long, CancellationToken, Task> fill, CancellationToken ct)
    {
        string final = BlobPath(digest);
        if (File.Exists(final))
            return;
        string partial = final + ".partial";
        FileStream stream;
        try
        {
            // FileShare.None: a second pull of the same blob into this layout must not interleave its bytes.
            stream = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (IOException)
        {
            partial = final + "." + Guid.NewGuid().ToString("N")[..8] + ".partial";
            stream = new FileStream(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        bool published = false;
        bool keepPartial = false;
        try
        {
            long existing = stream.Length;
            stream.Position = existing;
            try
            {
                await fill(stream, existing, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RegistryTransientException)
            {
                // Interrupted, not wrong: keep the bytes so the next pull resumes after them.
                keepPartial = true;
                throw;
            }
            await stream.FlushAsync(ct).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Move(partial, final, overwrite: true);
            published = true;
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!published && !keepPartial)
                File.Delete(partial);
        }
    }

    /// <summary>Writes a small blob (manifest, config) whose bytes are in memory.</summary>
    public Task WriteBytesAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        Digest digest = Digest.Compute(content.Span);
        return WriteAsync(digest, async (stream, _, token) =>
        {
            stream.SetLength(0);
            await stream.WriteAsync(content, token).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>Points <paramref name="name"/> at <paramref name="manifest"/> in index.json (replacing an older entry of that name).</summary>
    public async Task TagAsync(string name, RemoteDescriptor manifest, CancellationToken ct)
    {
        await IndexLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            JsonObject index = ReadIndex();
            var manifests = index["manifests"] as JsonArray ?? [];
            index["manifests"] = manifests;
            for (int i = manifests.Count - 1; i >= 0; i--)
            {
                if ((string?)manifests[i]?["annotations"]?[RefNameAnnotation] == name)
                    manifests.RemoveAt(i);
            }
            manifests.Add((JsonNode)new JsonObject // the JsonNode overload: the generic one is not trimming-safe (NativeAOT publish)
            {
                ["mediaType"] = manifest.MediaType,
                ["digest"] = manifest.Digest.ToString(),
                ["size"] = manifest.Size,
                ["annotations"] = new JsonObject { [RefNameAnnotation] = name },
            });
            string temp = IndexPath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            await File.WriteAllTextAsync(temp, index.ToJsonString(), ct).ConfigureAwait(false);
            File.Move(temp, IndexPath, overwrite: true);
        }
        finally
        {
            IndexLock.Release();
        }
    }

    /// <summary>The manifest named <paramref name="name"/> in index.json, or null.</summary>
    public RemoteDescriptor? Resolve(string name)
    {
        foreach (var entry in ReadIndex()["manifests"] as JsonArray ?? [])
        {
            if ((string?)entry?["annotations"]?[RefNameAnnotation] == name
                && Digest.TryParse((string?)entry?["digest"], out var digest))
                return new RemoteDescriptor((string?)entry?["mediaType"] ?? MediaTypes.OciManifest, digest, (long?)entry?["size"] ?? -1);
        }
        return null;
    }

    private JsonObject ReadIndex()
    {
        if (!File.Exists(IndexPath))
            return new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray() };
        try
        {
            return JsonNode.Parse(File.ReadAllText(IndexPath)) as JsonObject
                ?? throw new BuildException(ErrorCode.InvalidImage, $"invalid {IndexPath}: not a JSON object");
        }
        catch (JsonException)
        {
            throw new BuildException(ErrorCode.InvalidImage, $"invalid {IndexPath}: not valid JSON");
        }
    }
}
