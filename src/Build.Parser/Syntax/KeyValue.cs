namespace Build.Parser.Syntax;

/// <summary>
/// One <c>key=value</c> of ENV or LABEL, raw: quotes and escapes are still in both parts
/// (<c>name="a b"</c> gives value <c>"a b"</c> with the quotes); the Frontend runs them through word expansion.
/// </summary>
public sealed record KeyValue(string Key, string Value, SourceSpan Span);
