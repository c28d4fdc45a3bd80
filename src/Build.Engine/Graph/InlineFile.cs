namespace Build.Engine.Graph;

/// <summary>A file whose content is in the Dockerfile (a heredoc): its name, bytes as text (UTF-8) and mode.</summary>
public sealed record InlineFile(string Name, string Content, int Mode);
