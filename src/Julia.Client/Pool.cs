using System.Text.Json;

namespace Julia.Client;

public sealed record Pool(string Health, IReadOnlyDictionary<string, int> Chips, int Connected, int Total, Gate Gate, JsonElement Config);
