namespace Build.Engine.Export;

/// <summary>
/// One build output, typed (strings are parsed only by the CLI). <see cref="Destination"/> is a file or
/// directory path, or <c>-</c> for stdout; <see cref="Names"/> are image references to store, tag or push.
/// </summary>
public sealed record ExportTarget(ExportType Type, string? Destination, IReadOnlyList<string> Names, bool Push, bool Tar = true)
{
    public static ExportTarget ImageStore(IReadOnlyList<string> names) => new(ExportType.Image, null, names, Push: false);
}
