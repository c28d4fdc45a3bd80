namespace Build.Engine.Oci;

/// <summary>What a manifest-ish JSON blob is, decided by <see cref="OciJson.DetectKind"/>.</summary>
public enum ManifestKind
{
    Unknown,
    Manifest,
    Index,
}
