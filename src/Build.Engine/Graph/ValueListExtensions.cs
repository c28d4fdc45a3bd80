namespace Build.Engine.Graph;

/// <summary>Factory helpers for <see cref="ValueList{T}"/>.</summary>
public static class ValueListExtensions
{
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => ValueList<T>.From(items);
}
