using Build.Engine.Oci;

namespace Build.Engine.Caching;

/// <summary>One entry of a hashed selection.</summary>
/// <param name="Path">The target path (see <see cref="SelectedEntry.TargetPath"/>).</param>
/// <param name="SourcePath">The context-relative path the entry came from.</param>
/// <param name="Type">Entry type.</param>
/// <param name="Mode">Permission bits (<c>mode &amp; 07777</c>), or -1 when the options excluded them.</param>
/// <param name="LinkTarget">Symlink target, else null.</param>
/// <param name="ContentDigest">SHA-256 of a regular file's bytes, else null.</param>
/// <param name="Digest">SHA-256 of this entry's record in the preimage: changes when anything hashed about it changes.</param>
public sealed record HashedEntry(
    string Path,
    string SourcePath,
    ContextEntryType Type,
    int Mode,
    string? LinkTarget,
    Digest? ContentDigest,
    Digest Digest);
