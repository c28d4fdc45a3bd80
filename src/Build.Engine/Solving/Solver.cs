using System.Collections.Concurrent;
using System.Diagnostics;
using Build.Engine.Caching;
using Build.Engine.Content;
using Build.Engine.Errors;
using Build.Engine.Graph;
using Build.Engine.Oci;

namespace Build.Engine.Solving;

/// <summary>
/// Runs a <see cref="BuildGraph"/>: every stage as a task that waits for the stages it reads, every
/// filesystem step keyed (<see cref="CacheKeys.Compute"/>), looked up, and executed only on a miss.
/// </summary>
/// <remarks>
/// BuildKit's op contract (STYLE.md example 6) in two calls: the solver asks a step for its key, and on a miss
/// asks it to run. Steps with equal keys within one build share one execution, so two stages with the same
/// RUN on the same base do the work once. The number of steps executing at once is bounded; waiting for
/// another stage does not hold a slot, so the bound cannot deadlock.
/// </remarks>
public sealed class Solver
{
    private readonly SolverDependencies deps;
    private readonly SolveOptions options;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentDictionary<CacheKey, Lazy<Task<StepOutcome>>> inFlight = new();
    private readonly ConcurrentDictionary<int, Task<StageResult>> stages = new();
    private readonly ConcurrentBag<(int Order, StepMetrics Metrics)> metrics = [];
    private readonly ConcurrentBag<CacheKey> hits = [];
    private readonly Lock eventGate = new();
    private IObserver<BuildEvent> events = NullObserver.Instance;
    private BuildGraph graph = null!;
    private int vertexCounter;
    private int metricsOrder;

    public Solver(SolverDependencies deps, SolveOptions options)
    {
        this.deps = deps;
        this.options = options;
        slots = new SemaphoreSlim(Math.Max(1, options.MaxParallelism));
    }

    internal SolverDependencies Dependencies => deps;

    internal SolveOptions Options => options;

    public async Task<SolveResult> SolveAsync(BuildGraph buildGraph, IObserver<BuildEvent> observer, CancellationToken ct)
    {
        graph = buildGraph;
        events = observer;
        var clock = Stopwatch.StartNew();
        // Start every stage; each awaits what it needs. Stages the target does not need were pruned by the frontend.
        foreach (var stage in graph.Stages)
            _ = StageTask(stage.Index, ct);
        StageResult target;
        try
        {
            target = await StageTask(graph.TargetIndex, ct).ConfigureAwait(false);
            await Task.WhenAll(stages.Values).ConfigureAwait(false);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        // Hits are marked used in one write transaction, not one per step.
        if (!hits.IsEmpty)
            await deps.Cache.TouchAsync(hits.Distinct(), Now, ct).ConfigureAwait(false);
        var image = target.Image;
        var buildMetrics = new BuildMetrics(metrics.OrderBy(m => m.Order).Select(m => m.Metrics).ToList(), clock.Elapsed, image.ConfigDigest().ToString());
        var results = graph.Stages.Select(s => stages[s.Index].Result).ToList();
        return new SolveResult(image, buildMetrics, results);
    }

    internal Task<StageResult> StageTask(int index, CancellationToken ct) =>
        stages.GetOrAdd(index, i => Task.Run(() => RunStageAsync(graph.GetStage(i), ct), ct));

    internal int NextVertex() => Interlocked.Increment(ref vertexCounter);

    internal void Emit(BuildEvent e)
    {
        lock (eventGate)
            events.OnNext(e);
    }

    internal DateTimeOffset Now => deps.Time.GetUtcNow();

    internal Platform StagePlatform(Stage stage) => Platform.Parse(stage.Platform);

    private async Task<StageResult> RunStageAsync(Stage stage, CancellationToken ct)
    {
        var (image, parentKey) = await ResolveBaseAsync(stage, ct).ConfigureAwait(false);
        var state = stage.BaseConfig;
        int position = 0;
        int baseHistory = image.Config.History?.Count ?? 0;
        var baseCreated = image.Config.Created;
        DateTimeOffset? recordedAt = null;
        // Every layer but the target's last one is what a later step of this build stands on.
        var last = stage.Index == graph.TargetIndex ? stage.Steps.LastOrDefault(s => s.Op.ChangesFilesystem) : null;
        foreach (var step in stage.Steps)
        {
            ct.ThrowIfCancellationRequested();
            position++;
            var before = state;
            state = step.Op.Apply(state);
            if (!step.Op.ChangesFilesystem)
            {
                if (step.History is { } h)
                    image = Mutate.AppendEmptyLayerHistory(image, History(h.CreatedBy, empty: true));
                continue;
            }
            var outcome = await RunStepAsync(stage, step, position, image, parentKey, before, unpackOnCommit: !ReferenceEquals(step, last), ct).ConfigureAwait(false);
            if (outcome.RecordedAt is { } at && !(recordedAt > at))
                recordedAt = at;
            var history = History(step.History?.CreatedBy ?? step.Description, empty: outcome.Layer is null);
            image = outcome.Layer is { } layer
                ? Mutate.AppendLayer(image, layer, history)
                : Mutate.AppendEmptyLayerHistory(image, history);
            parentKey = outcome.Next;
        }
        var finalState = state;
        image = Mutate.WithImageConfig(image, c => c.WithConfigState(finalState));
        // The stage's time is that of the newest cache record its steps made or reused (the base image's when it has
        // no filesystem step), as BuildKit does: a no-op rebuild gives the same image ID, a change a newer one.
        var time = options.SourceDateEpoch ?? recordedAt ?? baseCreated ?? Now;
        image = Mutate.WithImageConfig(image, c => c with
        {
            History = c.History is { } h ? ValueList.From(h.Select((e, i) => i >= baseHistory ? e with { Created = time } : e)) : null,
        });
        image = Mutate.WithCreated(image, time);
        return new StageResult(stage.Index, image, parentKey);
    }

    private Oci.HistoryEntry History(string createdBy, bool empty) => new()
    {
        CreatedBy = createdBy,
        Comment = StepHistory.BuildKitComment,
        EmptyLayer = empty,
    };

    private async Task<(IImage Image, string Key)> ResolveBaseAsync(Stage stage, CancellationToken ct)
    {
        var platform = StagePlatform(stage);
        switch (stage.Base.Kind)
        {
            case SourceKind.Stage:
                var b = await StageTask(stage.Base.StageIndex, ct).ConfigureAwait(false);
                return (b.Image, b.Key);
            case SourceKind.Image:
                int v = NextVertex();
                var started = Now;
                Emit(new VertexStarted(started, v, stage.BaseDescription));
                try
                {
                    var img = await deps.Images.GetImageAsync(stage.Base.ImageReference!, platform, ct).ConfigureAwait(false);
                    Emit(new VertexCompleted(Now, v, Now - started, null));
                    // The base's identity is its manifest digest: a re-tagged or re-pulled base changes every key.
                    return (img, "image:" + img.Digest);
                }
                catch (BuildException e)
                {
                    Emit(new VertexCompleted(Now, v, Now - started, e.Message));
                    throw;
                }
            default:
                return (EmptyImage.For(platform), "scratch:" + platform);
        }
    }

    /// <summary>The identity of another filesystem a step reads, as it enters the step's key.</summary>
    internal async Task<(string Name, string Identity, IImage Image)> ResolveSourceAsync(SourceRef source, Platform platform, CancellationToken ct)
    {
        switch (source.Kind)
        {
            case SourceKind.Stage:
                var r = await StageTask(source.StageIndex, ct).ConfigureAwait(false);
                // The stage's content, not its key: a rebuilt stage with identical layers still hits.
                return ("stage:" + source.StageIndex, ChainId(r.Image), r.Image);
            case SourceKind.Image:
                var img = await deps.Images.GetImageAsync(source.ImageReference!, platform, ct).ConfigureAwait(false);
                return ("image:" + source.ImageReference, img.Digest.ToString(), img);
            default:
                return ("scratch", "scratch", EmptyImage.For(platform));
        }
    }

    /// <summary>The OCI chain id of an image's layers: one digest naming its whole filesystem.</summary>
    internal static string ChainId(IImage image)
    {
        string? chain = null;
        foreach (var diffId in image.Config.RootFs.DiffIds ?? [])
            chain = chain is null ? diffId.ToString() : Digest.Compute(System.Text.Encoding.ASCII.GetBytes(chain + " " + diffId)).ToString();
        return chain ?? "empty";
    }

    private async Task<StepOutcome> RunStepAsync(Stage stage, Vertex step, int position, IImage image, string parentKey, ImageConfigState before, bool unpackOnCommit, CancellationToken ct)
    {
        await using var runner = StepRunner.For(this, stage, step, image, before);
        runner.UnpackOnCommit = unpackOnCommit;
        var inputs = await runner.ResolveInputsAsync(parentKey, ct).ConfigureAwait(false);
        var (key, preimage) = CacheKeys.Compute(step.Op, inputs.Inputs);
        // Identical steps in one build run once: the second waits for the first and reuses its outcome.
        var lazy = inFlight.GetOrAdd(key, _ => new Lazy<Task<StepOutcome>>(
            () => ExecuteOrReuseAsync(stage, step, position, runner, inputs, key, preimage, ct)));
        return await lazy.Value.ConfigureAwait(false);
    }

    private async Task<StepOutcome> ExecuteOrReuseAsync(
        Stage stage, Vertex step, int position, StepRunner runner, ResolvedInputs inputs, CacheKey key, CacheKeyPreimage preimage, CancellationToken ct)
    {
        int v = NextVertex();
        var started = Now;
        Emit(new VertexStarted(started, v, step.Description));
        string identity = $"{options.DockerfileName}#{stage.Name ?? stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}#{position}#{OpKind(step.Op)}";
        bool noCache = options.NoCache || options.NoCacheStages.Contains(stage.Name ?? "") || options.NoCacheStages.Contains(stage.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stats = inputs.Statistics;

        if (!noCache && await deps.Cache.TryGetAsync(key, ct).ConfigureAwait(false) is { } record && await LayerAvailableAsync(record, ct).ConfigureAwait(false))
        {
            hits.Add(key);
            Emit(new VertexCached(Now, v));
            var layer = record.Layer is { } l ? new StoredLayer(deps.Content, new Descriptor { MediaType = l.MediaType, Digest = l.Digest, Size = l.Size }, l.DiffId) : null;
            AddMetrics(new StepMetrics(step.Id, step.Description, key.ToString(), Cached: true, Executed: false, [], Now - started, record.Duration,
                stats.FilesHashed, stats.BytesHashed, stats.FilesFromStatCache, record.Layer?.Size ?? 0) { Location = step.Location });
            return new StepOutcome(key, layer) { RecordedAt = record.Created, ChainKey = ChainKey(runner, inputs, record.Layer?.DiffId) };
        }

        // The secondary key (content of the files read from another stage): a hit there is recorded under the primary
        // key too, so the next build finds it without reading those files again.
        ResolvedInputs? content = null;
        CacheKey contentKey = default;
        CacheKeyPreimage? contentPreimage = null;
        if (!noCache && await runner.ResolveContentInputsAsync(inputs, ct).ConfigureAwait(false) is { } alt)
        {
            content = alt;
            (contentKey, contentPreimage) = CacheKeys.Compute(step.Op, alt.Inputs);
            if (await deps.Cache.TryGetAsync(contentKey, ct).ConfigureAwait(false) is { } byContent && await LayerAvailableAsync(byContent, ct).ConfigureAwait(false))
            {
                await deps.Cache.PutAsync(new CacheRecord(key, identity, preimage, byContent.Layer, byContent.Duration, byContent.Created, Now) { Files = inputs.Files }, ct).ConfigureAwait(false);
                hits.Add(contentKey);
                Emit(new VertexCached(Now, v));
                var layer = byContent.Layer is { } l ? new StoredLayer(deps.Content, new Descriptor { MediaType = l.MediaType, Digest = l.Digest, Size = l.Size }, l.DiffId) : null;
                var read = alt.Statistics;
                AddMetrics(new StepMetrics(step.Id, step.Description, key.ToString(), Cached: true, Executed: false, [], Now - started, byContent.Duration,
                    stats.FilesHashed + read.FilesHashed, stats.BytesHashed + read.BytesHashed, stats.FilesFromStatCache + read.FilesFromStatCache, byContent.Layer?.Size ?? 0) { Location = step.Location });
                return new StepOutcome(key, layer) { RecordedAt = byContent.Created, ChainKey = ChainKey(runner, inputs, byContent.Layer?.DiffId) };
            }
        }

        IReadOnlyList<CacheChange> explanation = [];
        if (options.ExplainCache || noCache)
        {
            // Under --no-cache (or --no-cache-filter) a step whose record exists would have hit: that flag is the reason.
            // (FindPreviousAsync looks for a record with another key, so it cannot tell.)
            explanation = noCache && await deps.Cache.TryGetAsync(key, ct).ConfigureAwait(false) is not null
                ? [new CacheChange(CacheChangeKind.OtherChanged, "--no-cache", null, null)]
                : CacheExplainer.Explain(preimage, inputs.Files, await deps.Cache.FindPreviousAsync(identity, key, ct).ConfigureAwait(false));
            if (options.ExplainCache)
                Emit(new VertexExplained(Now, v, explanation));
        }

        await slots.WaitAsync(ct).ConfigureAwait(false);
        StepOutcome outcome;
        var clock = Stopwatch.StartNew();
        try
        {
            var produced = await runner.ExecuteAsync(v, key, ct).ConfigureAwait(false);
            outcome = new StepOutcome(key, produced);
        }
        catch (BuildException e)
        {
            Emit(new VertexCompleted(Now, v, Now - started, e.Message));
            throw new StepFailedException(step, e);
        }
        finally
        {
            slots.Release();
        }
        var elapsed = clock.Elapsed;
        // The record is written only now, after its blob is in the content store (ExecuteAsync committed it).
        var cached = outcome.Layer is { } ol ? new CachedLayer(ol.Digest, ol.DiffId, ol.Size, ol.MediaType) : null;
        // Whole milliseconds: what the index stores, so a later hit reports the same time.
        var recorded = DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds());
        await deps.Cache.PutAsync(new CacheRecord(key, identity, preimage, cached, elapsed, recorded, recorded) { Files = inputs.Files }, ct).ConfigureAwait(false);
        if (content is not null)
        {
            // Its own step identity, so explanations keep comparing primary records with each other.
            await deps.Cache.PutAsync(new CacheRecord(contentKey, identity + ContentKeySuffix, contentPreimage!, cached, elapsed, recorded, recorded) { Files = content.Files }, ct).ConfigureAwait(false);
        }
        outcome = outcome with { RecordedAt = recorded, ChainKey = ChainKey(runner, inputs, outcome.Layer?.DiffId) };
        Emit(new VertexCompleted(Now, v, Now - started, null));
        AddMetrics(new StepMetrics(step.Id, step.Description, key.ToString(), Cached: false, Executed: true, explanation, Now - started, TimeSpan.Zero,
            stats.FilesHashed, stats.BytesHashed, stats.FilesFromStatCache, outcome.Layer?.Size ?? 0) { Location = step.Location });
        return outcome;
    }

    /// <summary>
    /// For a step with a secondary key, the key the next step chains on: its parent and its result layer, whichever of
    /// its keys matched. A stage rebuilt with identical output reuses this step's old layer (secondary hit), so the
    /// chain, and every step after it, is the same as before; a primary hit gives the same layer, hence the same chain.
    /// </summary>
    private static string? ChainKey(StepRunner runner, ResolvedInputs inputs, Digest? diffId) =>
        runner.HasContentKey
            ? Digest.Compute(System.Text.Encoding.UTF8.GetBytes("builder-chain\n" + inputs.Inputs.Parent + "\n" + (diffId?.ToString() ?? "no-layer"))).ToString()
            : null;

    /// <summary>Marks the step identity of a record made under a secondary (content) key.</summary>
    internal const string ContentKeySuffix = "#content";

    private void AddMetrics(StepMetrics m) => metrics.Add((Interlocked.Increment(ref metricsOrder), m));

    private async Task<bool> LayerAvailableAsync(CacheRecord record, CancellationToken ct) =>
        record.Layer is null || await deps.Content.ExistsAsync(record.Layer.Digest, ct).ConfigureAwait(false);

    private static string OpKind(Op op) => op switch
    {
        ExecOp => "RUN",
        CopyOp c => c.IsAdd ? "ADD" : "COPY",
        WorkdirOp => "WORKDIR",
        _ => op.GetType().Name,
    };

    private sealed class NullObserver : IObserver<BuildEvent>
    {
        public static readonly NullObserver Instance = new();

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(BuildEvent value)
        {
        }
    }
}
