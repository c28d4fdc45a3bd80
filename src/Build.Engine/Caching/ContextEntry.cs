namespace Build.Engine.Caching;

/// <summary>One entry of a build context, as seen without following symlinks.</summary>
/// <param name="Path">Relative to the context root, <c>/</c>-separated, no leading <c>/</c>; empty for the root itself.</param>
/// <param name="Type">File, directory, symlink or special file.</param>
/// <param name="Mode">Permission bits including setuid, setgid and sticky (<c>mode &amp; 07777</c>).</param>
/// <param name="Size">Size in bytes for regular files, 0 otherwise.</param>
/// <param name="LinkTarget">The symlink's target text for <see cref="ContextEntryType.Symlink"/>, otherwise null.</param>
/// <param name="DeviceNumber">major:minor packed as <c>major &lt;&lt; 32 | minor</c> for device nodes, otherwise 0.</param>
/// <param name="Stamp">The stat data the stat cache keys on.</param>
public sealed record ContextEntry(
    string Path,
    ContextEntryType Type,
    int Mode,
    long Size,
    string? LinkTarget,
    ulong DeviceNumber,
    FileStamp Stamp)
{
    /// <summary>The last path segment.</summary>
    public string Name => Path.Length == 0 ? "" : Path[(Path.LastIndexOf('/') + 1)..];
}
