namespace Build.Engine.Oci;

/// <summary>Factories for <see cref="ValueMap{TValue}"/>.</summary>
public static class ValueMap
{
    /// <summary>Wraps <paramref name="items"/> (copying it) unless it already is a <see cref="ValueMap{TValue}"/>; null stays null.</summary>
    public static ValueMap<TValue>? From<TValue>(IEnumerable<KeyValuePair<string, TValue>>? items) => items switch
    {
        null => null,
        ValueMap<TValue> v => v,
        _ => new ValueMap<TValue>(items),
    };
}
