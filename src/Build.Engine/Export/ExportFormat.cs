namespace Build.Engine.Export;

/// <summary>The file formats an image can be saved as.</summary>
public enum ExportFormat
{
    /// <summary>An OCI image layout directory (image-spec image-layout.md).</summary>
    OciLayout,

    /// <summary>An OCI image layout in a tar file (skopeo's oci-archive:).</summary>
    OciArchive,

    /// <summary>A <c>docker load</c>-able tar: manifest.json, repositories, uncompressed layers.</summary>
    DockerArchive,
}
