namespace Build.Engine.Graph;

/// <summary>A declared build argument and its resolved value (null: declared, no default, not passed).</summary>
public sealed record ArgValue(string Name, string? Value);
