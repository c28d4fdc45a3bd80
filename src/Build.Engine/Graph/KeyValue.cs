namespace Build.Engine.Graph;

/// <summary>One name/value pair (an environment variable, a label, a build argument).</summary>
public sealed record KeyValue(string Key, string Value)
{
    /// <summary>The <c>KEY=VALUE</c> form docker uses in <c>Config.Env</c> and in history text.</summary>
    public override string ToString() => Key + "=" + Value;
}
