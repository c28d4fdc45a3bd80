using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Build.Engine.Errors;
using Build.Engine.Oci;

namespace Build.Engine.Content;

/// <summary>
/// Local image names → manifest descriptors, under <c>&lt;root&gt;/images/</c>. One file per name
/// (named by the sha256 of the canonical name, so no escaping is needed), holding the manifest
/// descriptor as JSON with the name in the <c>io.containerd.image.name</c> annotation. Every change
/// is one atomic rename or unlink of one file, so concurrent builders never see a half-written
/// entry and never lose an unrelated one; no lock is needed. Untagged images (a name moved to a new
/// build, an unnamed load) get an entry keyed by their digest, shown as &lt;none&gt; like docker's.
/// </summary>
public sealed partial class ImageStore
{
    public const string NameAnnotation = "io.containerd.image.name";
    public const string UpdatedAnnotation = "dev.builder.updated";

    private readonly string _directory;
    private readonly IContentStore _content;
    private readonly TimeProvider _time;

    public ImageStore(BuilderRoot root, IContentStore content, TimeProvider time)
        : this(root.ImagesDirectory, content, time)
    {
    }

    public ImageStore(string directory, IContentStore content, TimeProvider time)
    {
        _directory = directory;
        _content = content;
        _time = time;
    }

    public IContentStore Content => _content;

    public async Task<IReadOnlyList<ImageRecord>> ListAsync(CancellationToken ct)
    {
        var records = new List<ImageRecord>();
        if (!Directory.Exists(_directory))
            return records;
        foreach (string file in Directory.EnumerateFiles(_directory, "*.json"))
        {
            var r = await ReadEntryAsync(file, ct).ConfigureAwait(false);
            if (r is not null)
                records.Add(r);
        }
        return [.. records.OrderBy(r => r.Name?.FamiliarName ?? "~" + r.Digest, StringComparer.Ordinal)];
    }

    public async Task<ImageRecord?> FindAsync(ImageReference name, CancellationToken ct) =>
        await ReadEntryAsync(EntryPath(name.ToString()), ct).ConfigureAwait(false);

    /// <summary>
    /// Stores <paramref name="image"/>: layers first, then config, then manifest, so a reader that
    /// finds a manifest finds everything it references (the order registries require, for the same
    /// reason); then the names. Existing blobs are skipped. With no names the image is kept untagged.
    /// </summary>
    public async Task<Descriptor> PutImageAsync(IImage image, IReadOnlyList<ImageReference> names, CancellationToken ct)
    {
        foreach (var layer in image.Layers)
        {
            if (await _content.ExistsAsync(layer.Digest, ct).ConfigureAwait(false))
                continue;
            await using var s = await layer.OpenCompressedAsync(ct).ConfigureAwait(false);
            await _content.WriteAsync(s, layer.Digest, layer.Size, ct).ConfigureAwait(false);
        }
        await _content.WriteAsync(image.RawConfig, image.ConfigDigest(), ct).ConfigureAwait(false);
        await _content.WriteAsync(image.RawManifest, image.Digest, ct).ConfigureAwait(false);
        var descriptor = image.ManifestDescriptor();
        foreach (var name in names)
            await SetAsync(name, descriptor, ct).ConfigureAwait(false);
        if (names.Count == 0)
            await AddUntaggedAsync(descriptor, ct).ConfigureAwait(false);
        return descriptor;
    }

    /// <summary>
    /// Points <paramref name="name"/> at <paramref name="target"/>. The image it pointed at before
    /// becomes untagged if no other name refers to it (docker's dangling image), so it stays listed
    /// until removed.
    /// </summary>
    public async Task SetAsync(ImageReference name, Descriptor target, CancellationToken ct)
    {
        if (name.Tag is null)
            throw new BuildException(ErrorCode.InvalidArgument, $"image name \"{name.FamiliarName}\" needs a tag to be stored (digest references are resolved, not stored)");
        var previous = await FindAsync(name, ct).ConfigureAwait(false);
        // A rebuild that reproduced the same image leaves its entry as it is (no rewrite, no rename).
        if (previous is null || previous.Target != target)
            await WriteEntryAsync(name.ToString(), name, target, ct).ConfigureAwait(false);
        DeleteEntry(UntaggedKey(target.Digest));
        if (previous is not null && previous.Digest != target.Digest)
            await AddUntaggedAsync(previous.Target, ct).ConfigureAwait(false);
    }

    /// <summary>Records an image with no name, unless a name already points at it.</summary>
    public async Task AddUntaggedAsync(Descriptor target, CancellationToken ct)
    {
        var all = await ListAsync(ct).ConfigureAwait(false);
        if (!all.Any(r => r.Digest == target.Digest))
            await WriteEntryAsync(UntaggedKey(target.Digest), null, target, ct).ConfigureAwait(false);
    }

    /// <summary>Gives the image <paramref name="source"/> resolves to the name <paramref name="target"/>.</summary>
    public async Task TagAsync(string source, string target, CancellationToken ct)
    {
        var descriptor = await ResolveAsync(source, ct).ConfigureAwait(false);
        await SetAsync(ImageReference.Parse(target), descriptor, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a name; given an image ID or digest, removes every name of that image. Returns what
    /// was removed ("busybox:latest", or the digest for an untagged image). Blobs stay in the content
    /// store until garbage collection.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(string reference, CancellationToken ct)
    {
        if (ImageReference.TryParse(reference, out var name) && name!.Tag is not null && name.Digest is null)
        {
            if (await FindAsync(name, ct).ConfigureAwait(false) is not null)
            {
                DeleteEntry(name.ToString());
                return [name.FamiliarName];
            }
        }
        var digest = await ResolveIdAsync(reference, ct).ConfigureAwait(false)
            ?? throw new BuildException(ErrorCode.NotFound, $"image \"{reference}\" not found");
        var removed = new List<string>();
        foreach (var r in await ListAsync(ct).ConfigureAwait(false))
        {
            if (r.Digest != digest)
                continue;
            DeleteEntry(r.Name is null ? UntaggedKey(r.Digest) : r.Name.ToString());
            removed.Add(r.Name?.FamiliarName ?? r.Digest.ToString());
        }
        return removed;
    }

    /// <summary>
    /// Finds the manifest descriptor for a name ("busybox", "x:1"), a digest reference
    /// ("x@sha256:…", "sha256:…"), or an image ID prefix as <c>builder images</c> shows it.
    /// </summary>
    public async Task<Descriptor> ResolveAsync(string reference, CancellationToken ct) =>
        await TryResolveAsync(reference, ct).ConfigureAwait(false)
        ?? throw new BuildException(ErrorCode.NotFound, $"image \"{reference}\" not found (see builder images)");

    public async Task<Descriptor?> TryResolveAsync(string reference, CancellationToken ct)
    {
        if (ImageReference.TryParse(reference, out var name))
        {
            if (name!.Digest is { } d)
                return await DescriptorOfStoredAsync(d, ct).ConfigureAwait(false);
            var found = await FindAsync(name, ct).ConfigureAwait(false);
            if (found is not null)
                return found.Target;
        }
        var id = await ResolveIdAsync(reference, ct).ConfigureAwait(false);
        if (id is null)
            return null;
        var record = (await ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(r => r.Digest == id);
        return record?.Target ?? await DescriptorOfStoredAsync(id.Value, ct).ConfigureAwait(false);
    }

    /// <summary>Opens the image <paramref name="reference"/> names, choosing <paramref name="platform"/> (default: the host) from an index.</summary>
    public async Task<StoredImage> OpenAsync(string reference, Platform? platform, CancellationToken ct)
    {
        var descriptor = await ResolveAsync(reference, ct).ConfigureAwait(false);
        return await StoredImage.LoadAsync(_content, descriptor, platform ?? Platform.Host, ct).ConfigureAwait(false);
    }

    // A manifest digest, config digest (the docker "IMAGE ID") or a unique hex prefix of either.
    private async Task<Digest?> ResolveIdAsync(string reference, CancellationToken ct)
    {
        string text = reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference[7..] : reference;
        if (!HexPrefix().IsMatch(text))
            return null;
        var matches = new HashSet<Digest>();
        foreach (var r in await ListAsync(ct).ConfigureAwait(false))
        {
            if (r.Digest.Hex.StartsWith(text, StringComparison.Ordinal))
                matches.Add(r.Digest);
            else if (await ConfigDigestOfAsync(r.Target, ct).ConfigureAwait(false) is { } c && c.Hex.StartsWith(text, StringComparison.Ordinal))
                matches.Add(r.Digest);
        }
        if (matches.Count > 1)
            throw new BuildException(ErrorCode.InvalidArgument, $"image ID prefix \"{reference}\" is ambiguous: it matches {matches.Count} images");
        if (matches.Count == 1)
            return matches.First();
        return text.Length == 64 && await _content.ExistsAsync(Digest.Parse("sha256:" + text), ct).ConfigureAwait(false)
            ? Digest.Parse("sha256:" + text)
            : null;
    }

    private async Task<Digest?> ConfigDigestOfAsync(Descriptor target, CancellationToken ct)
    {
        var bytes = await TryReadAsync(target.Digest, ct).ConfigureAwait(false);
        if (OciJson.DetectKind(bytes) != ManifestKind.Manifest)
            return null;
        return OciJson.ReadManifest(bytes, $"manifest {target.Digest}").Config.Digest;
    }

    private async Task<byte[]> TryReadAsync(Digest digest, CancellationToken ct) =>
        await _content.ExistsAsync(digest, ct).ConfigureAwait(false) ? await _content.ReadAllAsync(digest, ct).ConfigureAwait(false) : [];

    private async Task<Descriptor?> DescriptorOfStoredAsync(Digest digest, CancellationToken ct)
    {
        if (!await _content.ExistsAsync(digest, ct).ConfigureAwait(false))
            return null;
        byte[] bytes = await _content.ReadAllAsync(digest, ct).ConfigureAwait(false);
        string mediaType = OciJson.DetectKind(bytes) switch
        {
            ManifestKind.Manifest => OciJson.ReadManifest(bytes, $"manifest {digest}").MediaType ?? MediaTypes.OciManifest,
            ManifestKind.Index => OciJson.ReadIndex(bytes, $"index {digest}").MediaType ?? MediaTypes.OciIndex,
            _ => throw new BuildException(ErrorCode.InvalidImage, $"blob {digest} is not an image manifest or index"),
        };
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }

    private static string UntaggedKey(Digest digest) => "@" + digest;

    private string EntryPath(string key) =>
        Path.Combine(_directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private async Task WriteEntryAsync(string key, ImageReference? name, Descriptor target, CancellationToken ct)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UpdatedAnnotation] = Rfc3339JsonConverter.Format(_time.GetUtcNow()),
        };
        if (name is not null)
            annotations[NameAnnotation] = name.ToString();
        var entry = new Descriptor { MediaType = target.MediaType, Digest = target.Digest, Size = target.Size, Platform = target.Platform, Annotations = annotations };
        Directory.CreateDirectory(_directory);
        string path = EntryPath(key);
        string temp = Path.Combine(_directory, ".tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(temp, OciJson.Serialize(entry, OciJson.Context.Descriptor), ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private void DeleteEntry(string key) => File.Delete(EntryPath(key));

    private static async Task<ImageRecord?> ReadEntryAsync(string file, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // removed concurrently
        }
        var d = OciJson.Read(bytes, OciJson.Context.Descriptor, $"image store entry {file}");
        string? nameText = d.Annotation(NameAnnotation);
        DateTimeOffset? updated = d.Annotation(UpdatedAnnotation) is { } u ? Rfc3339JsonConverter.Parse(u) : null;
        var target = d with { Annotations = null };
        return new ImageRecord(nameText is null ? null : ImageReference.Parse(nameText), target, updated);
    }

    [GeneratedRegex("^[0-9a-f]{4,64}$")]
    private static partial Regex HexPrefix();
}
