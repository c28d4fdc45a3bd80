using System.Collections;
using System.Collections.Immutable;

namespace Build.Engine.Graph;

/// <summary>
/// An immutable list with value equality, so records that hold collections (argv, env, mounts) compare and hash
/// by content. Records compare arrays and <see cref="ImmutableArray{T}"/> by reference, which would make two
/// identical ops unequal and break step deduplication and cache-key reasoning.
/// </summary>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly ImmutableArray<T> _items;
    private int _hash;

    public static ValueList<T> Empty { get; } = new(ImmutableArray<T>.Empty);

    private ValueList(ImmutableArray<T> items) => _items = items;

    public static ValueList<T> From(IEnumerable<T> items) =>
        items is ValueList<T> v ? v : Create(items.ToImmutableArray());

    public static ValueList<T> Create(ImmutableArray<T> items) => items.IsDefaultOrEmpty ? Empty : new(items);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public ImmutableArray<T> AsImmutableArray() => _items;

    public ValueList<T> Add(T item) => new(_items.Add(item));

    public ValueList<T> AddRange(IEnumerable<T> items) => Create(_items.AddRange(items));

    public ImmutableArray<T>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    public bool Equals(ValueList<T>? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Count != Count) return false;
        var cmp = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
            if (!cmp.Equals(_items[i], other._items[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var item in _items) h.Add(item);
        var value = h.ToHashCode();
        _hash = value == 0 ? 1 : value;
        return _hash;
    }

    public static bool operator ==(ValueList<T>? left, ValueList<T>? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(ValueList<T>? left, ValueList<T>? right) => !(left == right);

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
