namespace Build.Engine.Graph;

/// <summary>
/// What one step does. An op carries exactly what determines its result and nothing else, because the solver
/// hashes it into the step's cache key (see docs/graph.md for each op's cache-relevant fields). Descriptions,
/// source locations and history text live on <see cref="Vertex"/>, not here, so they never invalidate a cache.
/// </summary>
public abstract record Op
{
    /// <summary>True when the step changes the filesystem (RUN, COPY/ADD, WORKDIR's mkdir): a layer is committed.</summary>
    public abstract bool ChangesFilesystem { get; }

    /// <summary>The filesystems this op reads besides the stage's own (copy sources, mount sources).</summary>
    public virtual IEnumerable<SourceRef> Inputs => [];

    /// <summary>Folds this op's effect on the image configuration; filesystem ops leave it unchanged.</summary>
    public virtual ImageConfigState Apply(ImageConfigState state) => state;
}
