using System.Xml.Linq;
using Julia.Storage.Console;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Julia.Server.ConsoleWeb;

/// <summary>
/// Data protection's key repository backed by <see cref="ConsoleKeys"/> (PostgreSQL), so nodes behind one address share
/// the keys that sign console cookies. A node that meets a cookie signed with a key it has not loaded reloads the ring.
/// </summary>
public sealed class KeyRing(ConsoleKeys keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => keys.All().Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        keys.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}
