namespace TicketWorker.Mail.Imap;

/// <summary>One folder from a LIST response (RFC 3501 §7.2.2); <see cref="Name"/> is decoded from modified UTF-7.</summary>
/// <param name="Name">Decoded full folder name.</param>
/// <param name="Delimiter">Hierarchy delimiter, or null when the server has none.</param>
/// <param name="Attributes">Name attributes such as \HasChildren, \Noselect, \Sent.</param>
public sealed record ImapFolder(string Name, char? Delimiter, IReadOnlyList<string> Attributes)
{
    /// <summary>True when the folder cannot be selected (\Noselect or \NonExistent).</summary>
    public bool IsSelectable => !Attributes.Any(a =>
        a.Equals("\\Noselect", StringComparison.OrdinalIgnoreCase) || a.Equals("\\NonExistent", StringComparison.OrdinalIgnoreCase));
}
