namespace Build.Parser.Combinators;

/// <summary>An optional value that works for value and reference types alike (the result of <see cref="Parser{T}.Optional"/>).</summary>
public readonly record struct Maybe<T>(bool HasValue, T Value)
{
    public static Maybe<T> None => default;

    public T GetValueOrDefault(T fallback) => HasValue ? Value : fallback;
}
