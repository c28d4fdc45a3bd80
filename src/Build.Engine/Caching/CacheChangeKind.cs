namespace Build.Engine.Caching;

/// <summary>What kind of input made a step miss the cache.</summary>
public enum CacheChangeKind
{
    /// <summary>No earlier record for this step: it was never built before (with this cache).</summary>
    NoPreviousRecord,
    FileAdded,
    FileRemoved,
    FileChanged,
    /// <summary>The selected file set changed but no per-file list was recorded to say which file.</summary>
    FilesChanged,
    ArgChanged,
    EnvChanged,
    CommandChanged,
    BaseImageChanged,
    ParentChanged,
    /// <summary>A stage this step reads from (COPY --from, RUN --mount from=) produced something else.</summary>
    DependencyChanged,
    SchemeChanged,
    OtherChanged,
}
