using System.Collections;

namespace Build.Parser.Syntax;

/// <summary>
/// An immutable list with value equality (element by element), so records holding lists compare by content.
/// </summary>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public ValueList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items is T[] array ? (T[])array.Clone() : [.. items];
    }

    private ValueList(T[] items, bool _) => _items = items;

    public static ValueList<T> Empty { get; } = new([], false);

    /// <summary>Wraps <paramref name="items"/> without copying; the caller must not modify the array afterwards.</summary>
    internal static ValueList<T> Wrap(T[] items) => items.Length == 0 ? Empty : new ValueList<T>(items, false);

    internal static ValueList<T> From(List<T>? items) => items is null || items.Count == 0 ? Empty : new ValueList<T>(items.ToArray(), false);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public ReadOnlySpan<T> AsSpan() => _items;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other._items.Length != _items.Length)
            return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i]))
                return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
