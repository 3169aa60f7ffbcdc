namespace TicketWorker.Rules;

/// <summary>How a field condition compares (case-insensitive unless <c>case_sensitive: true</c>).</summary>
public enum MatchOperator
{
    Equals,
    Contains,
    Regex,
    In,
}
