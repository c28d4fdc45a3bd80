using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// RUN. <see cref="Args"/> is the argv exactly as it runs: a shell form is already wrapped with the stage's SHELL
/// (<c>["/bin/sh","-c","make"]</c>). <see cref="Env"/> is the full environment the process sees, in order: the
/// image's ENV, the stage's ENV instructions and the ARGs in scope (docker passes build args to RUN as env).
/// Cache-relevant: every field except <see cref="ProxyEnv"/>, which BuildKit strips from the key and from history
/// so that building behind a different proxy does not rebuild everything (STYLE.md example 7).
/// </summary>
public sealed record ExecOp(
    ValueList<string> Args,
    ValueList<KeyValue> Env,
    string User,
    string WorkingDir,
    NetworkMode Network,
    SecurityMode Security,
    ValueList<Mount> Mounts,
    ValueList<KeyValue> ProxyEnv) : Op
{
    public override bool ChangesFilesystem => true;

    public override IEnumerable<SourceRef> Inputs =>
        Mounts.Select(m => m.Source).OfType<SourceRef>().Where(s => s.Kind is SourceKind.Stage or SourceKind.Image);
}
