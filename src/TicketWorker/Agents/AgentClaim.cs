using TicketWorker.Mail.Reading;
using TicketWorker.Rules;
using TicketWorker.Storage;

namespace TicketWorker.Agents;

/// <summary>
/// A message whose From is a configured agent, about one ticket: what the worker has to decide
/// whether to believe before it relays the text or obeys a command.
/// </summary>
/// <param name="Agent">The agent the From address names.</param>
/// <param name="Message">The parsed message.</param>
/// <param name="Raw">Its stored raw bytes (DKIM is checked over these).</param>
/// <param name="TicketNumber">The ticket the message was threaded to.</param>
/// <param name="MailboxAddresses">Our mailbox addresses (where reply tokens are found).</param>
/// <param name="Tokens">The reply tokens of this database (its HMAC key).</param>
public sealed record AgentClaim(Agent Agent, ReadMessage Message, RawMailReference Raw, long TicketNumber,
    IReadOnlyCollection<string> MailboxAddresses, Threading.ReplyToken Tokens);
