using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>
/// ARG inside a stage: the resolved values (null value = declared without any). It does not change the image
/// config; BuildKit writes an <c>ARG K=V</c> history entry. The values reach later steps through their env.
/// </summary>
public sealed record ArgOp(ValueList<ArgValue> Arguments) : ConfigOp;
