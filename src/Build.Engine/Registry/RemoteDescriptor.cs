using Build.Engine.Oci;

namespace Build.Engine.Registry;

/// <summary>What a registry says about a manifest or blob without sending its content (a HEAD).</summary>
public sealed record RemoteDescriptor(string MediaType, Digest Digest, long Size);
