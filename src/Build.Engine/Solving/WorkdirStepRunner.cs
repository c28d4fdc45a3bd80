using Build.Engine.Archive;
using Build.Engine.Caching;
using Build.Engine.Execution;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Snapshots;

namespace Build.Engine.Solving;

/// <summary>
/// WORKDIR's <c>mkdir -p</c> as BuildKit does it: the directory (and missing parents) owned by the current USER,
/// mode 0755. When it already exists the diff is empty and no layer is added.
/// </summary>
internal sealed class WorkdirStepRunner(Solver solver, Stage stage, Vertex step, IImage image, ImageConfigState before)
    : StepRunner(solver, stage, step, image, before)
{
    private WorkdirOp Op => (WorkdirOp)Step.Op;

    public override Task<ResolvedInputs> ResolveInputsAsync(string parentKey, CancellationToken ct) =>
        Task.FromResult(new ResolvedInputs(BaseInputs(parentKey), null, ResolvedInputs.NoHashing));

    public override async Task<ILayer?> ExecuteAsync(int vertex, CacheKey key, CancellationToken ct)
    {
        var view = await ViewAsync(Image, ct).ConfigureAwait(false);
        string rel = Op.Path.Trim('/');
        if (rel.Length == 0)
            return null;
        if (view.Find(rel) is { } existing && Directory.Exists(existing))
        {
            // BuildKit's mkdir -p of an existing directory still commits a layer: the empty one.
            return await CommitAsync((dest, options) => LayerWriter.WriteAsync(LayerSource.FromEntries([]), dest, options, ct), ct).ConfigureAwait(false);
        }
        int uid = 0, gid = 0;
        if (Op.User.Length > 0)
        {
            string? passwd = view.Find("etc/passwd") is { } p && File.Exists(p) ? await File.ReadAllTextAsync(p, ct).ConfigureAwait(false) : null;
            string? group = view.Find("etc/group") is { } g && File.Exists(g) ? await File.ReadAllTextAsync(g, ct).ConfigureAwait(false) : null;
            var u = UserDatabase.Parse(passwd, group).Resolve(Op.User);
            (uid, gid) = ((int)u.Uid, (int)u.Gid);
        }
        var time = Solver.Options.SourceDateEpoch is { } e ? UnixTimestamp.FromDateTimeOffset(e) : UnixTimestamp.FromDateTimeOffset(Solver.Now);
        var entries = new List<LayerEntry>();
        string path = "";
        foreach (var part in rel.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path = path.Length == 0 ? part : path + "/" + part;
            if (view.Find(path) is { } host && SnapshotNative.TryLstat(host, out var st) && st.IsDirectory)
                entries.Add(LayerEntry.Directory(path, (int)(st.Mode & 0xFFF), (int)st.Uid, (int)st.Gid, new UnixTimestamp(st.MtimeSeconds, st.MtimeNanoseconds)));
            else
                entries.Add(LayerEntry.Directory(path, 0x1ED, uid, gid, time));
        }
        return await CommitAsync((dest, options) => LayerWriter.WriteAsync(LayerSource.FromEntries(entries), dest, options, ct), ct).ConfigureAwait(false);
    }
}
