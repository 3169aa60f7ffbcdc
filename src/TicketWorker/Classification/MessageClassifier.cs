using System.Text.RegularExpressions;
using TicketWorker.Mail.Reading;

namespace TicketWorker.Classification;

/// <summary>
/// Tells customer mail from agent mail, automatic replies, bounces, list and bulk mail.
/// Order matters: a bounce or an out-of-office from an agent's address is still automatic mail,
/// and automatic mail must never be answered (RFC 3834 §2).
/// </summary>
public sealed partial class MessageClassifier(Func<string, bool> isAgentAddress)
{
    /// <summary>Classifies a parsed message; never throws.</summary>
    public Classification Classify(ReadMessage message)
    {
        var report = ClassifyReport(message);
        if (report is not null) return report;
        if (message.Headers.Contains("X-Failed-Recipients"))
            return new Classification(MessageKind.Bounce, "X-Failed-Recipients", ReturnedIds(message));

        var autoReply = AutoReplyReason(message);
        if (autoReply is not null) return Classification.Of(MessageKind.AutoReply, autoReply);

        var bounce = NonStandardBounceReason(message);
        if (bounce is not null) return new Classification(MessageKind.Bounce, bounce, ReturnedIds(message));
        // RFC 5321 §4.5.5: a null reverse-path is only used for automatic notifications.
        if (HasNullSender(message)) return Classification.Of(MessageKind.AutoReply, "null sender (Return-Path: <>)");

        var from = message.From.FirstOrDefault()?.Address;
        if (from is not null && isAgentAddress(from)) return Classification.Of(MessageKind.Agent, "sender is an agent");

        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        var hasListId = message.Headers.Contains("List-Id");
        if (precedence is "bulk" or "junk")
            return Classification.Of(MessageKind.Bulk, $"Precedence: {precedence}");
        if (message.Headers.Contains("List-Unsubscribe") && !hasListId)
            return Classification.Of(MessageKind.Bulk, "List-Unsubscribe without List-Id");
        if (hasListId || precedence == "list")
            return Classification.Of(MessageKind.List, hasListId ? "List-Id" : "Precedence: list");

        return Classification.Of(MessageKind.Customer, "customer mail");
    }

    /// <summary>Delivery status notifications, feedback reports and non-standard bounces.</summary>
    private static Classification? ClassifyReport(ReadMessage message)
    {
        var status = message.DeliveryStatus;
        var feedback = message.HasFeedbackReport;
        var reportType = message.ReportType;

        // ARF (RFC 5965) abuse reports are machine-generated but not delivery failures: they must
        // never be answered, and must not mark our outbound mail failed, so they count as auto-replies.
        if (feedback || reportType == "feedback-report")
            return new Classification(MessageKind.AutoReply, "feedback report (ARF)", ReturnedIds(message));

        if (status is not null || reportType is "delivery-status" or "global-delivery-status")
        {
            var actions = status is { } text ? ActionField().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToList() : [];
            // RFC 3464 §2.3.3: "delivered", "relayed" and "expanded" are success notices.
            if (actions.Count > 0 && actions.All(a => a is "delivered" or "relayed" or "expanded"))
                return new Classification(MessageKind.AutoReply, "delivery notice (" + actions[0] + ")", ReturnedIds(message));
            if (actions.Count > 0 && actions.All(a => a == "delayed"))
                return new Classification(MessageKind.Bounce, "delivery delayed (DSN)", ReturnedIds(message));
            return new Classification(MessageKind.Bounce, "delivery status notification", ReturnedIds(message));
        }

        if (reportType is "disposition-notification")
            return new Classification(MessageKind.AutoReply, "read receipt (MDN)", ReturnedIds(message));

        // Amazon SES forwards bounces, complaints and deliveries as JSON notifications.
        if (message.From.FirstOrDefault()?.Address.EndsWith("@sns.amazonaws.com", StringComparison.OrdinalIgnoreCase) == true
            && SesNotification().Match(message.TextBody ?? "") is { Success: true } ses)
            return ses.Groups[1].Value.Equals("Bounce", StringComparison.OrdinalIgnoreCase)
                ? new Classification(MessageKind.Bounce, "Amazon SES bounce notification", [])
                : new Classification(MessageKind.AutoReply, $"Amazon SES {ses.Groups[1].Value.ToLowerInvariant()} notification", []);
        return null;
    }

    private static bool HasNullSender(ReadMessage message) =>
        message.Headers["Return-Path"]?.Trim() is "<>" or "<MAILER-DAEMON>" or "";

    /// <summary>Bounces that are not RFC 3464 reports: sendmail/qmail/Exim texts, carrier notices, list servers.</summary>
    private static string? NonStandardBounceReason(ReadMessage message)
    {
        var from = message.From.FirstOrDefault();
        var local = from?.Address.Split('@')[0].ToLowerInvariant() ?? "";
        var name = from?.Name?.ToLowerInvariant() ?? "";
        var body = message.TextBody ?? "";
        // A mailer daemon never writes as a customer.
        if (local is "mailer-daemon" or "postmaster" or "post_master" or "mail-daemon" or "mailerdaemon" or "mmdf" or "mail.daemon" or "double-bounce"
            || name.Contains("mail delivery", StringComparison.Ordinal) || name.Contains("mailer-daemon", StringComparison.Ordinal)
            || name.Contains("mailer daemon", StringComparison.Ordinal))
            return "from " + (local.Length > 0 ? local : name);
        var hasReturnedPart = message.HasReturnedContent;
        if (HasNullSender(message) && (BounceSubject().IsMatch(message.Subject) || BounceBody().IsMatch(body) || hasReturnedPart))
            return "null sender with a returned message";
        // Sendmail's transcript survives forwarding: the returned mail, not a question about it.
        if (SendmailTranscript().IsMatch(body)) return "sendmail transcript";
        if (message.Headers.Contains("X-MLServer") && local.EndsWith("-admin", StringComparison.Ordinal))
            return "mailing-list server error";
        if (local is "no-reply" or "noreply" && (BounceSubject().IsMatch(message.Subject) || (hasReturnedPart && BounceBody().IsMatch(body))))
            return "no-reply delivery error";
        return null;
    }

    private static string? AutoReplyReason(ReadMessage message)
    {
        var h = message.Headers;
        // RFC 3834 §5: any value but "no" marks automatic mail.
        var autoSubmitted = h["Auto-Submitted"]?.Trim();
        if (!string.IsNullOrEmpty(autoSubmitted) && !autoSubmitted.StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return "Auto-Submitted: " + autoSubmitted.Split(';')[0].Trim();
        if (h.Contains("X-Autoreply") || h.Contains("X-Autorespond") || h.Contains("X-Autoresponder"))
            return "X-Autoreply";
        var precedence = h["Precedence"]?.Trim();
        if (string.Equals(precedence, "auto_reply", StringComparison.OrdinalIgnoreCase)) return "Precedence: auto_reply";
        if (string.Equals(h["X-Auto-Response-Suppress"]?.Trim(), "All", StringComparison.OrdinalIgnoreCase)
            && OutOfOfficeSubject().IsMatch(message.Subject))
            return "Exchange out-of-office";
        if (OutOfOfficeSubject().IsMatch(message.Subject)) return "out-of-office subject";
        return null;
    }

    /// <summary>Message-IDs of the original carried in a bounce or report (rfc822 part, headers part or quoted text).</summary>
    private static IReadOnlyList<string> ReturnedIds(ReadMessage message)
    {
        var ids = new List<string>(message.ReturnedMessageIds);
        if (ids.Count == 0 && message.TextBody is { } body) AddQuotedIds(body, ids);
        var own = message.MessageId;
        return ids.Where(id => id != own).Distinct(StringComparer.Ordinal).ToList();
    }

    private static void AddQuotedIds(string text, List<string> ids)
    {
        foreach (Match m in QuotedMessageId().Matches(text))
            if (m.Groups[1].Value.Trim().Trim('<', '>').Trim() is { Length: > 0 } id) ids.Add(id);
    }

    [GeneratedRegex(@"\\?""notificationType\\?""\s*:\s*\\?""(Bounce|Complaint|Delivery)\\?""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 500)]
    private static partial Regex SesNotification();

    [GeneratedRegex(@"-+ ?Transcript of session follows ?-+|The following addresses had permanent fatal errors", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 500)]
    private static partial Regex SendmailTranscript();

    [GeneratedRegex(@"^\s*Action\s*:\s*([a-z]+)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant, 500)]
    private static partial Regex ActionField();

    [GeneratedRegex(@"^\s*Message-Id\s*:\s*(<[^>\r\n]+>)", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant, 500)]
    private static partial Regex QuotedMessageId();

    [GeneratedRegex(@"undeliver|undelivered|returned mail|delivery (status notification|failure|failed|has failed|problem)|failure notice|mail delivery failed|could not be delivered|non[- ]?delivery|delivery notification|nondeliverable|rejected|mail system error|unzustellbar|non recapitabile|no se puede entregar|non remis|onbestelbaar|не доставлено|недоставлен|メールエラー|配信エラー|送信エラー|未送達|退信|退回", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 500)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"(could not be delivered|delivery to the following recipient|permanent error|user unknown|mailbox (unavailable|full|not found)|unknown user|no such user|host unknown|recipient address rejected|was not delivered|undeliverable|failed permanently|message could not be sent)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 500)]
    private static partial Regex BounceBody();

    // Out-of-office subjects in the languages of the reply prefixes (SubjectNormalizer).
    // Whole phrases only: a customer writing about a "vacation booking" is not an auto-reply.
    [GeneratedRegex(@"\bout of (the )?office\b|\bautomatic reply\b|\bauto[- ]?(reply|response)\b|^auto:|\bautoreply\b|\bvacation (reply|message|notice|auto)|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|message d'absence|respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori sede|automatisch antwoord|afwezigheidsbericht|autosvar|frånvaromeddelande|fraværsmelding|automaattinen vastaus|автоответ|автоматический ответ|αυτόματη απάντηση|εκτός γραφείου|پاسخ خودکار|خارج از دفتر|رد تلقائي|رد آلي|自动回复|自動回覆|自動応答|自動返信|不在通知", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 500)]
    private static partial Regex OutOfOfficeSubject();
}
