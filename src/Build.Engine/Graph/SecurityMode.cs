namespace Build.Engine.Graph;

/// <summary><c>RUN --security</c>: the default sandbox, or insecure (privileged, needs an entitlement).</summary>
public enum SecurityMode
{
    Sandbox = 0,
    Insecure = 1,
}
