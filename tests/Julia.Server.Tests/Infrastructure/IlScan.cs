using System.Reflection;
using System.Reflection.Emit;

namespace Julia.Server.Tests.Infrastructure;

/// <summary>
/// A small reader of compiled method bodies: which strings each method loads, which methods it calls (or takes as
/// a delegate) and which fields it reads. Compiler-made methods (async state machines, lambdas, local functions)
/// are reported as the method they were written in, so "who runs this SQL" and "who calls that" name source methods.
/// </summary>
public sealed class IlScan
{
    /// <summary>A source method: its type (the outermost one the compiler did not make) and its name.</summary>
    public sealed record Source(Type Type, string Method)
    {
        public string Name => $"{Type.Name}.{Method}";
        public override string ToString() => Name;
    }

    /// <summary>A string loaded by a method; <see cref="Field"/> when a constructor stores it straight into a field.</summary>
    public sealed record Loaded(Source At, string Text, FieldInfo? Field);

    public List<Loaded> Strings { get; } = [];
    public List<(Source Caller, MethodBase Callee)> Calls { get; } = [];
    public List<(Source Reader, FieldInfo Field)> FieldReads { get; } = [];

    static readonly Dictionary<short, OpCode> Codes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static IlScan Of(IEnumerable<Assembly> assemblies)
    {
        var scan = new IlScan();
        foreach (var type in assemblies.SelectMany(Types))
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
                scan.Read(method);
        return scan;
    }

    static IEnumerable<Type> Types(Assembly a)
    {
        try { return a.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }

    void Read(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception) { return; }
        if (il is null) return;
        var at = SourceOf(method);
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var instructions = Decode(il).ToList();
        for (int i = 0; i < instructions.Count; i++)
        {
            var (code, token) = instructions[i];
            try
            {
                if (code == OpCodes.Ldstr)
                    Strings.Add(new Loaded(at, module.ResolveString(token), method is ConstructorInfo ? StoredInto(instructions, i, module, typeArgs, methodArgs) : null));
                else if (code == OpCodes.Call || code == OpCodes.Callvirt || code == OpCodes.Newobj || code == OpCodes.Ldftn || code == OpCodes.Ldvirtftn)
                {
                    if (module.ResolveMethod(token, typeArgs, methodArgs) is { } callee) Calls.Add((at, callee));
                }
                else if (code == OpCodes.Ldsfld || code == OpCodes.Ldfld || code == OpCodes.Ldsflda || code == OpCodes.Ldflda)
                {
                    if (module.ResolveField(token, typeArgs, methodArgs) is { } field) FieldReads.Add((at, field));
                }
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException or MissingMemberException)
            {
                // a reference this scan cannot resolve (a generic context it lacks): not one of ours
            }
        }
    }

    /// <summary>The field a constructor stores a string into (field initialisers: <c>static readonly PositionalSql X = new("…")</c>).</summary>
    static FieldInfo? StoredInto(List<(OpCode Code, int Token)> instructions, int from, Module module, Type[]? typeArgs, Type[]? methodArgs)
    {
        for (int j = from + 1; j < instructions.Count && j <= from + 6; j++)
        {
            var (code, token) = instructions[j];
            if (code == OpCodes.Ldstr) return null; // another string starts: this one went elsewhere
            if (code == OpCodes.Stsfld || code == OpCodes.Stfld) return module.ResolveField(token, typeArgs, methodArgs);
        }
        return null;
    }

    /// <summary>Each instruction's opcode and, for those that carry one, its 4-byte metadata token (0 otherwise).</summary>
    static IEnumerable<(OpCode Code, int Token)> Decode(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var code = Codes[value];
            int token = 0;
            switch (code.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget: case OperandType.ShortInlineI: case OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8: case OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineString:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                case OperandType.InlineSig:
                    token = BitConverter.ToInt32(il, i); i += 4; break;
                default: i += 4; break; // InlineI, InlineBrTarget, ShortInlineR
            }
            yield return (code, token);
        }
    }

    /// <summary>
    /// The method as written: an async method's state machine (<c>&lt;Name&gt;d__3</c>), a lambda (<c>&lt;Name&gt;b__3_0</c>, in a closure
    /// class <c>&lt;&gt;c</c> or <c>&lt;&gt;c__DisplayClass3_0</c>) and a local function (<c>&lt;Name&gt;g__Local|3_0</c>) are the method <c>Name</c>
    /// of the outermost type the compiler did not make.
    /// </summary>
    public static Source SourceOf(MethodBase m)
    {
        var type = m.DeclaringType!;
        var method = m.Name;
        while (type.IsNested && type.Name.StartsWith('<'))
        {
            if (Inner(type.Name) is { Length: > 0 } written) method = written; // a state machine: named after its method
            type = type.DeclaringType!;
        }
        while (method.StartsWith('<') && Inner(method) is { Length: > 0 } inner) method = inner;
        return new Source(type, method);
    }

    /// <summary>What stands between a name's first '&lt;' and its matching '&gt;'.</summary>
    static string Inner(string name)
    {
        int depth = 0;
        for (int k = 0; k < name.Length; k++)
        {
            if (name[k] == '<') depth++;
            else if (name[k] == '>' && --depth == 0) return name[1..k];
        }
        return "";
    }
}
