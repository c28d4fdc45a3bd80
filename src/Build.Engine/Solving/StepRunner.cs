using Build.Engine.Archive;
using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Graph;
using Build.Engine.Oci;
using Build.Engine.Snapshots;

namespace Build.Engine.Solving;

/// <summary>
/// One filesystem step, seen by the solver through two calls: <see cref="ResolveInputsAsync"/> (what its key is
/// made of) and <see cref="ExecuteAsync"/> (run it and commit its layer). Subclasses per op.
/// </summary>
internal abstract class StepRunner(Solver solver, Stage stage, Vertex step, IImage image, ImageConfigState before) : IAsyncDisposable
{
    protected Solver Solver { get; } = solver;

    protected Stage Stage { get; } = stage;

    protected Vertex Step { get; } = step;

    /// <summary>The image the step runs on (its parent).</summary>
    protected IImage Image { get; } = image;

    /// <summary>The configuration in force before the step (the frontend's fold).</summary>
    protected ImageConfigState Before { get; } = before;

    protected SolverDependencies Deps => Solver.Dependencies;

    protected Platform Platform => Solver.StagePlatform(Stage);

    public static StepRunner For(Solver solver, Stage stage, Vertex step, IImage image, ImageConfigState before) => step.Op switch
    {
        ExecOp => new ExecStepRunner(solver, stage, step, image, before),
        CopyOp => new CopyStepRunner(solver, stage, step, image, before),
        WorkdirOp => new WorkdirStepRunner(solver, stage, step, image, before),
        _ => throw new InvalidOperationException($"no runner for {step.Op.GetType().Name}"),
    };

    public abstract Task<ResolvedInputs> ResolveInputsAsync(string parentKey, CancellationToken ct);

    /// <summary>
    /// The inputs of the step's secondary key, or null when it has none. A step that reads another stage is keyed
    /// first by that stage's layers (cheap, known without reading a file); when that key misses, the solver asks
    /// for this second key, made from the content of exactly the files the step reads there, as BuildKit keys
    /// <c>COPY --from</c>: a stage rebuilt with identical output then still hits.
    /// </summary>
    public virtual Task<ResolvedInputs?> ResolveContentInputsAsync(ResolvedInputs primary, CancellationToken ct) => Task.FromResult<ResolvedInputs?>(null);

    /// <summary>Releases what the runner kept between resolving its inputs and executing (e.g. a mounted view).</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Whether <see cref="ResolveContentInputsAsync"/> gives a key (known without computing it).</summary>
    public virtual bool HasContentKey => false;

    /// <summary>Runs the step; returns its committed layer (the empty layer when it changed nothing), or null for no layer.</summary>
    public abstract Task<ILayer?> ExecuteAsync(int vertex, CacheKey key, CancellationToken ct);

    protected StepInputs BaseInputs(string parentKey) => new(
        parentKey,
        Stage.Platform,
        new HashSet<string>(),
        new Dictionary<string, string>(StringComparer.Ordinal),
        new Dictionary<string, string>(StringComparer.Ordinal))
    {
        SourceDateEpoch = Solver.Options.SourceDateEpoch?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The unpacked layer directories of an image, base layer first (each unpacked once per root).</summary>
    protected async Task<IReadOnlyList<string>> LowersAsync(IImage img, CancellationToken ct)
    {
        var dirs = new List<string>(img.Layers.Count);
        foreach (var layer in img.Layers)
        {
            var l = layer;
            dirs.Add(await Deps.Snapshots.EnsureLayerFromArchiveAsync(l.DiffId, c => l.OpenCompressedAsync(c), ct).ConfigureAwait(false));
        }
        return dirs;
    }

    protected async Task<LowerView> ViewAsync(IImage img, CancellationToken ct)
    {
        var lowers = await LowersAsync(img, ct).ConfigureAwait(false);
        return new LowerView(lowers.Reverse().ToList());
    }

    protected LayerWriteOptions WriteOptions => new()
    {
        Compression = Solver.Options.Compression,
        SourceDateEpoch = Solver.Options.SourceDateEpoch is { } e ? UnixTimestamp.FromDateTimeOffset(e) : null,
    };

    /// <summary>
    /// Writes a layer into the content store. A step that changed nothing still gets a layer, the empty tar
    /// (diff id <c>sha256:5f70bf18…</c>, 32 bytes gzipped as <c>sha256:4f4fb700…</c>), because BuildKit commits one
    /// for every RUN, COPY and WORKDIR: dropping it would give a different layer count and history than
    /// <c>docker build</c> (checked against docker 20.10 here; buildx issue #1910 shows the same for current BuildKit).
    /// </summary>
    /// <remarks>
    /// With <see cref="UnpackOnCommit"/> the layer is also unpacked into the snapshot store while it is written
    /// (<see cref="LayerWriteOptions.UnpackInto"/>), so the next step's root filesystem is ready without
    /// inflating the blob again.
    /// </remarks>
    protected async Task<ILayer?> CommitAsync(Func<Stream, LayerWriteOptions, Task<LayerWriteResult>> write, CancellationToken ct)
    {
        string? staged = UnpackOnCommit ? Deps.Snapshots.CreateStagingDirectory() : null;
        try
        {
            var options = WriteOptions with { UnpackInto = staged, UnpackOptions = SnapshotStore.LayerUnpackOptions };
            await using var writer = Deps.Content.OpenWriter();
            var result = await write(writer, options).ConfigureAwait(false);
            var blob = await writer.CommitAsync(result.Digest, ct).ConfigureAwait(false);
            if (staged is not null && result.Unpacked)
            {
                // After the blob: an unpacked layer never exists without the blob it came from.
                await Deps.Snapshots.AdoptLayerAsync(result.DiffId, staged, ct).ConfigureAwait(false);
                staged = null;
            }
            return new StoredLayer(Deps.Content, new Descriptor { MediaType = result.MediaType, Digest = blob.Digest, Size = blob.Size }, result.DiffId);
        }
        finally
        {
            if (staged is not null)
                Deps.Snapshots.DiscardStaged(staged);
        }
    }

    /// <summary>Whether a later step of this build stands on this step's layer (set by the solver): then it is unpacked while committed.</summary>
    internal bool UnpackOnCommit { get; set; }

}
