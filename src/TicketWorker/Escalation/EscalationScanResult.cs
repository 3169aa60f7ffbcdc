namespace TicketWorker.Escalation;

/// <summary>What one scan did: tickets escalated, levels fired, pending tickets closed.</summary>
public sealed record EscalationScanResult(int Escalated, int Levels, int Closed);
