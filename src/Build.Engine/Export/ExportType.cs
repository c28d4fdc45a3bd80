namespace Build.Engine.Export;

/// <summary>The <c>--output type=</c> values of docker buildx.</summary>
public enum ExportType
{
    /// <summary>Into the local image store under the given names (optionally pushed).</summary>
    Image,
    /// <summary>An oci-archive tar (or an OCI layout directory with <c>tar=false</c>).</summary>
    Oci,
    /// <summary>A docker-archive tar that <c>docker load</c> accepts.</summary>
    Docker,
    /// <summary>The final filesystem, written into a directory.</summary>
    Local,
    /// <summary>The final filesystem as a tar.</summary>
    Tar,
    /// <summary>Pushed to a registry under the given names, not stored locally (buildx's <c>type=registry</c>).</summary>
    Registry,
}
