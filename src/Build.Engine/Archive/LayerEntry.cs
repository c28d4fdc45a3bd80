using System.Collections.Immutable;

namespace Build.Engine.Archive;

/// <summary>
/// One entry of a layer as the tar writer sees it. A directory walk produces these, and so can a
/// caller directly (COPY builds its layer from a list of entries without a staging directory).
/// </summary>
public sealed record LayerEntry
{
    /// <summary>
    /// The path inside the image, relative, '/'-separated (<c>usr/bin/env</c>); a leading '/' or './'
    /// is removed by the writer. Whiteouts are ordinary entries named <c>.wh.NAME</c> / <c>.wh..wh..opq</c>.
    /// </summary>
    public required string Path { get; init; }

    public required LayerEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (07777); the file type is <see cref="Type"/>.</summary>
    public int Mode { get; init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    public UnixTimestamp ModificationTime { get; init; }

    /// <summary>The symlink target (as stored, never resolved), or the archive path a hardlink points to.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>For a regular file: a host file to read the content from (exactly <see cref="Size"/> bytes).</summary>
    public string? SourcePath { get; init; }

    /// <summary>For a regular file: the content itself, when there is no host file.</summary>
    public ReadOnlyMemory<byte>? Content { get; init; }

    /// <summary>Content length of a regular file; taken from <see cref="Content"/> when that is set.</summary>
    public long Size { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    /// <summary>Extended attributes with their raw (possibly binary) values, e.g. <c>security.capability</c>.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<byte>> Xattrs { get; init; } = NoXattrs;

    internal static readonly ImmutableSortedDictionary<string, ImmutableArray<byte>> NoXattrs =
        ImmutableSortedDictionary.Create<string, ImmutableArray<byte>>(StringComparer.Ordinal);

    /// <summary>The content size the tar header declares.</summary>
    public long ContentLength => Type == LayerEntryType.RegularFile ? (Content?.Length ?? Size) : 0;

    public static LayerEntry File(string path, ReadOnlyMemory<byte> content, int mode = 0b110_100_100, int uid = 0, int gid = 0, UnixTimestamp modificationTime = default) =>
        new() { Path = path, Type = LayerEntryType.RegularFile, Content = content, Size = content.Length, Mode = mode, Uid = uid, Gid = gid, ModificationTime = modificationTime };

    public static LayerEntry Directory(string path, int mode = 0b111_101_101, int uid = 0, int gid = 0, UnixTimestamp modificationTime = default) =>
        new() { Path = path, Type = LayerEntryType.Directory, Mode = mode, Uid = uid, Gid = gid, ModificationTime = modificationTime };

    public static LayerEntry Symlink(string path, string target, int uid = 0, int gid = 0, UnixTimestamp modificationTime = default) =>
        new() { Path = path, Type = LayerEntryType.Symlink, LinkTarget = target, Mode = 0b111_111_111, Uid = uid, Gid = gid, ModificationTime = modificationTime };
}
