using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>A layer whose blob is in the content store.</summary>
public sealed class StoredLayer : ILayer
{
    private readonly IContentStore _content;

    public StoredLayer(IContentStore content, Descriptor descriptor, Digest diffId)
    {
        _content = content;
        Descriptor = descriptor;
        DiffId = diffId;
    }

    /// <summary>The descriptor as the manifest lists it (annotations and urls included).</summary>
    public Descriptor Descriptor { get; }

    public Digest Digest => Descriptor.Digest;

    public Digest DiffId { get; }

    public long Size => Descriptor.Size;

    public string MediaType => Descriptor.MediaType;

    public Task<Stream> OpenCompressedAsync(CancellationToken ct) => _content.OpenReadAsync(Digest, ct);

    public async Task<Stream> OpenUncompressedAsync(CancellationToken ct) =>
        LayerMediaTypes.OpenDecompressed(await _content.OpenReadAsync(Digest, ct).ConfigureAwait(false), MediaType);
}
