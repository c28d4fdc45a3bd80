using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// COPY and ADD. <see cref="Sources"/> are path patterns inside <see cref="From"/>, cleaned and made absolute
/// (<c>/src/*.go</c>; with <see cref="Parents"/> the <c>/./</c> pivot is kept as written). <see cref="Destination"/>
/// is absolute, resolved against WORKDIR, with a trailing <c>/</c> kept when written ("into this directory").
/// <see cref="Chown"/> stays the raw <c>user:group</c> text: names resolve against /etc/passwd of the target
/// filesystem at run time. ADD-only: <see cref="Urls"/> (http/https), <see cref="GitSources"/>,
/// <see cref="Checksum"/>, <see cref="KeepGitDir"/>; <see cref="UnpackArchives"/> applies to local sources
/// (default on for ADD) and <see cref="UnpackUrls"/> to downloads (default off, <c>--unpack</c> overrides both).
/// Heredoc sources are <see cref="InlineFiles"/> (mode 0644, named relative to the destination).
/// Cache-relevant: all fields, plus the content digests of the selected files (supplied by the solver).
/// </summary>
public sealed record CopyOp(
    SourceRef From,
    ValueList<string> Sources,
    ValueList<string> Urls,
    ValueList<string> GitSources,
    ValueList<InlineFile> InlineFiles,
    string Destination,
    string? Chown,
    string? Chmod,
    bool Link,
    bool Parents,
    ValueList<string> Excludes,
    bool IsAdd,
    bool UnpackArchives,
    bool UnpackUrls,
    string? Checksum,
    bool KeepGitDir) : Op
{
    public override bool ChangesFilesystem => true;

    public override IEnumerable<SourceRef> Inputs =>
        From.Kind is SourceKind.Stage or SourceKind.Image ? [From] : [];
}
