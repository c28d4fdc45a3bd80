using Build.Engine.Oci;
using Build.Engine.Solving;

namespace Build.Engine;

/// <summary>What a build produced: the image (its config digest is the image id docker prints) and its metrics.</summary>
public sealed record BuildResult(IImage Image, BuildMetrics Metrics)
{
    public Digest ImageId => Image.ConfigDigest();
}
