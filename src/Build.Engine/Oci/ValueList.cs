namespace Build.Engine.Oci;

/// <summary>Factories for <see cref="ValueList{T}"/>, used by record init accessors so every collection in the model compares by value.</summary>
public static class ValueList
{
    /// <summary>Wraps <paramref name="items"/> (copying it) unless it already is a <see cref="ValueList{T}"/>; null stays null.</summary>
    public static ValueList<T>? From<T>(IEnumerable<T>? items) => items switch
    {
        null => null,
        ValueList<T> v => v,
        _ => new ValueList<T>(items),
    };

    /// <summary>Like <see cref="From{T}(IEnumerable{T}?)"/> but sorted (ordinal) and de-duplicated: for JSON sets such as ExposedPorts.</summary>
    public static ValueList<string>? SetFrom(IEnumerable<string>? items) =>
        items is null ? null : new ValueList<string>(items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static ValueList<T> Of<T>(params ReadOnlySpan<T> items) => new(items.ToArray());
}
