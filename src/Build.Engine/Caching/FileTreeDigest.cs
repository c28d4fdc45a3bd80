using Build.Engine.Oci;

namespace Build.Engine.Caching;

/// <summary>The content digest of a selected path set.</summary>
/// <param name="Digest">One digest over every entry (see docs/expansion-and-context.md for the exact preimage).</param>
/// <param name="Entries">Per-entry results in preimage order, for explaining which file changed.</param>
/// <param name="Statistics">Files and bytes read, files served from the stat cache.</param>
public sealed record FileTreeDigest(Digest Digest, IReadOnlyList<HashedEntry> Entries, HashStatistics Statistics);
