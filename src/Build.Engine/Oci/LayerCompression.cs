namespace Build.Engine.Oci;

/// <summary>How a layer blob is compressed; decides its media type.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
