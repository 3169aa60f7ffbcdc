using TicketWorker.Classification;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Threading;

/// <summary>
/// Decides which ticket a message belongs to, strongest evidence first (PRODUCT.md "Thread"):
/// reply token → In-Reply-To/References → subject tag from a participant or agent →
/// same sender and subject on a recently active open ticket → new ticket.
/// A duplicate Message-ID is caught before threading (it is the same message, not a reply).
/// </summary>
public sealed class ThreadResolver(
    IThreadingLookup lookup,
    ReplyToken replyTokens,
    SubjectTag subjectTag,
    IReadOnlyCollection<string> mailboxAddresses,
    TimeSpan fallbackWindow,
    TimeSpan reopenWindow,
    TimeProvider time)
{
    /// <summary>Decides for a parsed, classified message.</summary>
    public async Task<ThreadDecision> ResolveAsync(ReadMessage message, MessageKind kind, IReadOnlyList<string> returnedMessageIds, CancellationToken cancellationToken)
    {
        var sender = message.From.FirstOrDefault()?.Address;

        // Reply token: the plus-address we put in Reply-To comes back in To/Cc (or the envelope headers).
        foreach (var token in ReplyToken.InMessage(message, mailboxAddresses))
        {
            if (replyTokens.VerifyAny(token, sender) is not { } number) continue;
            if (await lookup.FindTicketByNumberAsync(number, cancellationToken).ConfigureAwait(false) is { } t)
                return Follow(t, "reply token", kind);
        }

        // Bounces and reports name the original inside; replies name it in their headers.
        var ids = new List<string>(returnedMessageIds);
        ids.AddRange(message.InReplyTo);
        ids.AddRange(message.References.Reverse());
        if (ids.Count > 0 && await lookup.FindTicketByMessageIdsAsync(ids.Distinct().ToList(), cancellationToken).ConfigureAwait(false) is { } byHeader)
            return Follow(byHeader, returnedMessageIds.Count > 0 ? "returned message" : "In-Reply-To/References", kind);

        // Subject tag only counts from someone who is already in the conversation or an agent:
        // a stranger typing "[#1]" must not get into ticket 1.
        foreach (var number in subjectTag.Find(message.Subject))
        {
            if (await lookup.FindTicketByNumberAsync(number, cancellationToken).ConfigureAwait(false) is not { } t) continue;
            if (kind == MessageKind.Agent || (sender is not null && await lookup.IsParticipantAsync(t.Id, sender, cancellationToken).ConfigureAwait(false)))
                return Follow(t, "subject tag", kind);
        }

        // Same sender, same subject, recent activity: Outlook replies without In-Reply-To land here.
        var normalized = SubjectNormalizer.Normalize(message.Subject, subjectTag);
        if (sender is not null && normalized.Length > 0 && kind is MessageKind.Customer or MessageKind.List)
        {
            var since = time.GetUtcNow() - fallbackWindow;
            if (await lookup.FindRecentOpenTicketAsync(sender, normalized, since, cancellationToken).ConfigureAwait(false) is { } recent)
                return new ThreadDecision(ThreadAction.Append, recent, "same sender and subject");
        }

        return new ThreadDecision(ThreadAction.NewTicket, null, "new conversation");
    }

    private ThreadDecision Follow(TicketRef ticket, string reason, MessageKind kind)
    {
        if (!ticket.IsClosed) return new ThreadDecision(ThreadAction.Append, ticket, reason);
        // Automatic mail never reopens; it is kept on the ticket it belongs to.
        if (kind.NeverAnswer()) return new ThreadDecision(ThreadAction.Append, ticket, reason);
        var closedAt = ticket.ClosedAt ?? ticket.UpdatedAt;
        return time.GetUtcNow() - closedAt <= reopenWindow
            ? new ThreadDecision(ThreadAction.Append, ticket, reason + ", reopens") { Reopens = true }
            : new ThreadDecision(ThreadAction.NewLinkedTicket, ticket, reason + ", closed too long ago");
    }
}
