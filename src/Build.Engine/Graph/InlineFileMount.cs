using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// Read-only directory of inline files at the target. BuildKit runs <c>RUN &lt;&lt;EOF</c> with a <c>#!</c> body by
/// writing the body to <c>/dev/pipes/EOF</c> (mode 0755) and executing that path; the content is cache-relevant.
/// </summary>
public sealed record InlineFileMount(string Target, ValueList<InlineFile> Files) : Mount(Target);
