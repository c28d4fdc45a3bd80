using Build.Engine.Oci;

namespace Build.Engine.Graph;

/// <summary>Builds the value-equality lists (<see cref="ValueList{T}"/> from Oci) the graph records hold.</summary>
public static class ValueListExtensions
{
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => items as ValueList<T> ?? new ValueList<T>(items);
}
