using System.Reflection;
using System.Reflection.Emit;

namespace Build.Engine.Tests.Architecture;

/// <summary>
/// Finds every type a type refers to: its base type, interfaces, members' signatures and the tokens in
/// its method bodies (so a `new Foo()` or a static call inside a method counts, not only signatures).
/// Compiler-generated nested types (lambdas, iterators, async state machines) are attributed to the
/// namespace they were declared in, which is the namespace of their outermost declaring type.
/// </summary>
internal static class TypeReferenceScanner
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static IEnumerable<Type> ReferencedTypes(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t))
                return;
            if (t.HasElementType)
                Add(t.GetElementType());
            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                    Add(a);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
            Add(i);
        foreach (var a in type.GetCustomAttributesData())
            Add(a.AttributeType);
        foreach (var f in type.GetFields(Declared))
            Add(f.FieldType);
        foreach (var p in type.GetProperties(Declared))
            Add(p.PropertyType);
        foreach (var e in type.GetEvents(Declared))
            Add(e.EventHandlerType);
        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
        foreach (var m in methods)
        {
            if (m is MethodInfo mi)
                Add(mi.ReturnType);
            foreach (var p in m.GetParameters())
                Add(p.ParameterType);
            foreach (var t in BodyReferences(m))
                Add(t);
        }
        return found;
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (InvalidOperationException)
        {
            yield break;
        }
        if (il is null)
            yield break;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var module = method.Module;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos++];
            if (value == 0xFE)
                value = unchecked((short)(0xFE00 | il[pos++]));
            if (!OpCodesByValue.TryGetValue(value, out var op))
                yield break;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    pos += 1;
                    break;
                case OperandType.InlineVar:
                    pos += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    pos += 8;
                    break;
                case OperandType.InlineSwitch:
                    int n = BitConverter.ToInt32(il, pos);
                    pos += 4 + (4 * n);
                    break;
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod or OperandType.InlineField:
                    int token = BitConverter.ToInt32(il, pos);
                    pos += 4;
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }
                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case MemberInfo mi when mi.DeclaringType is not null:
                            yield return mi.DeclaringType;
                            if (mi is FieldInfo fi)
                                yield return fi.FieldType;
                            if (mi is MethodInfo mm)
                                yield return mm.ReturnType;
                            break;
                    }
                    break;
                default:
                    pos += 4;
                    break;
            }
        }
    }
}
