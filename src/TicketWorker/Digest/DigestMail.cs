using System.Globalization;
using System.Net;
using System.Text;

namespace TicketWorker.Digest;

/// <summary>
/// The digest as mail text: a subject, a plain-text part with aligned columns and an HTML part of
/// tables with inline styles only (no external CSS, no SVG), whose chart is the inline PNG named
/// by <c>cid:</c> (RFC 2392).
/// </summary>
public static class DigestMail
{
    private const string Table = "border-collapse:collapse;margin:0 0 18px 0;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;";
    private const string Head = "border:1px solid #c9cfd6;background:#eef1f5;padding:5px 10px;text-align:left;font-weight:bold;";
    private const string Cell = "border:1px solid #c9cfd6;padding:5px 10px;text-align:right;";
    private const string Name = "border:1px solid #c9cfd6;padding:5px 10px;text-align:left;";
    private const string Heading = "font-family:Arial,Helvetica,sans-serif;font-size:16px;color:#222;margin:18px 0 6px 0;";

    private static readonly string[] RowHeaders = ["new", "answered", "closed", "breaches", "open", "overdue", "first response p50"];

    public static string Subject(DigestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Invariant($"Support digest {report.Day:yyyy-MM-dd}: {report.New} new, {report.Answered} answered, {report.Closed} closed, {report.Backlog.Total} open");
    }

    /// <summary>The plain-text part.</summary>
    public static string Text(DigestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = new StringBuilder();
        t.Append(Invariant($"Support digest for {DayName(report.Day)} ({report.TimeZone.Id})\n\n"));
        t.Append(Columns(["new", "answered", "closed", "SLA breaches", "open backlog"],
            [[Num(report.New), Num(report.Answered), Num(report.Closed), Num(report.Breached), Num(report.Backlog.Total)]], firstIsName: false));
        t.Append(Invariant($"SLA breaches on the day: {report.FirstResponseBreached} first response, {report.ResolutionBreached} resolution\n"));
        t.Append('\n').Append(TimesHeading(report)).Append('\n');
        t.Append(Columns(["", "tickets", "p50", "p90"],
        [
            ["first response", Num(report.FirstResponse.Count), Duration(report.FirstResponse.P50), Duration(report.FirstResponse.P90)],
            ["resolution", Num(report.Resolution.Count), Duration(report.Resolution.P50), Duration(report.Resolution.P90)],
        ], firstIsName: true));
        t.Append("\nOpen backlog at the end of the day, by age\n");
        var b = report.Backlog;
        t.Append(Columns(["< 1 day", "1-3 days", "3-7 days", "> 7 days", "total", "overdue"],
            [[Num(b.UnderOneDay), Num(b.OneToThreeDays), Num(b.ThreeToSevenDays), Num(b.OverSevenDays), Num(b.Total), Num(b.Overdue)]], firstIsName: false));
        t.Append("\nNew and closed per day\n");
        t.Append(Columns(["day", "new", "closed"], report.Days.Select(d => new[] { Invariant($"{d.Date:yyyy-MM-dd ddd}"), Num(d.New), Num(d.Closed) }).ToList(), firstIsName: true));
        t.Append("\nPer agent\n");
        t.Append(Columns(["agent", .. RowHeaders], report.Agents.Select(RowCells).ToList(), firstIsName: true));
        t.Append("\nPer team\n");
        t.Append(Columns(["team", .. RowHeaders], report.Teams.Select(RowCells).ToList(), firstIsName: true));
        t.Append('\n').Append(Notes).Append('\n');
        return t.ToString();
    }

    /// <summary>The HTML part; the chart is <c>&lt;img src="cid:{chartContentId}"&gt;</c>.</summary>
    public static string Html(DigestReport report, string chartContentId)
    {
        ArgumentNullException.ThrowIfNull(report);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(E(Subject(report))).Append("</title></head>\n");
        h.Append("<body style=\"margin:0;padding:16px;background:#ffffff;\">\n");
        h.Append("<h1 style=\"font-family:Arial,Helvetica,sans-serif;font-size:20px;color:#222;margin:0 0 12px 0;\">Support digest for ")
            .Append(E(DayName(report.Day))).Append(" <span style=\"color:#666;font-size:14px;\">(").Append(E(report.TimeZone.Id)).Append(")</span></h1>\n");

        HtmlTable(h, ["new", "answered", "closed", "SLA breaches", "open backlog"],
            [[Num(report.New), Num(report.Answered), Num(report.Closed), Num(report.Breached), Num(report.Backlog.Total)]], firstIsName: false);

        h.Append("<p style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;margin:0 0 18px 0;\">")
            .Append(E(Invariant($"SLA breaches on the day: {report.FirstResponseBreached} first response, {report.ResolutionBreached} resolution"))).Append("</p>\n");
        h.Append(Invariant($"<img src=\"cid:{E(chartContentId)}\" width=\"{DigestChart.Width}\" height=\"{DigestChart.Height}\" alt=\"New and closed tickets per day, last {report.Days.Count} days\" style=\"display:block;border:0;margin:0 0 18px 0;\">\n"));

        h.Append("<h2 style=\"").Append(Heading).Append("\">").Append(E(TimesHeading(report))).Append("</h2>\n");
        HtmlTable(h, ["", "tickets", "p50", "p90"],
        [
            ["first response", Num(report.FirstResponse.Count), Duration(report.FirstResponse.P50), Duration(report.FirstResponse.P90)],
            ["resolution", Num(report.Resolution.Count), Duration(report.Resolution.P50), Duration(report.Resolution.P90)],
        ], firstIsName: true);

        h.Append("<h2 style=\"").Append(Heading).Append("\">Open backlog at the end of the day, by age</h2>\n");
        var b = report.Backlog;
        HtmlTable(h, ["&lt; 1 day", "1&ndash;3 days", "3&ndash;7 days", "&gt; 7 days", "total", "overdue"],
            [[Num(b.UnderOneDay), Num(b.OneToThreeDays), Num(b.ThreeToSevenDays), Num(b.OverSevenDays), Num(b.Total), Num(b.Overdue)]], firstIsName: false, rawHeaders: true);

        h.Append("<h2 style=\"").Append(Heading).Append("\">Per agent</h2>\n");
        HtmlTable(h, ["agent", .. RowHeaders], report.Agents.Select(RowCells).ToList(), firstIsName: true);
        h.Append("<h2 style=\"").Append(Heading).Append("\">Per team</h2>\n");
        HtmlTable(h, ["team", .. RowHeaders], report.Teams.Select(RowCells).ToList(), firstIsName: true);

        h.Append("<p style=\"font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#666;max-width:640px;\">")
            .Append(E(Notes)).Append("</p>\n</body></html>\n");
        return h.ToString();
    }

    /// <summary>Says which clock the percentiles are on.</summary>
    private static string TimesHeading(DigestReport report) => report.BusinessTime
        ? "Response times (business hours of each ticket's team calendar)"
        : "Response times (elapsed: rules.yaml has no business_hours)";

    private const string Notes =
        "Answered: the first agent reply was on this day. Times run from the customer's first mail to the first agent reply " +
        "or the close (waiting on the customer included), in business hours of the ticket's team calendar (every hour counts without business_hours); " +
        "percentiles by nearest rank. Breaches: a first-response or resolution due time of the ticket's SLA fell on this day " +
        "and was not met by then (a ticket waiting on the customer had its clock stopped). Open and overdue: not closed at " +
        "the end of the day; overdue, its resolution was due. Per agent: new, breaches and backlog count by the ticket's owner, " +
        "answered by the agent who gave the first response, closed by the agent whose mail closed it or (auto-close); " +
        "(not recorded): no agent mail did it, so who did is not known.";

    private static string[] RowCells(DigestRow r) =>
        [r.Label, Num(r.New), Num(r.Answered), Num(r.Closed), Num(r.Breached), Num(r.Backlog.Total), Num(r.Backlog.Overdue), Duration(r.FirstResponseP50)];

    private static void HtmlTable(StringBuilder h, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, bool firstIsName, bool rawHeaders = false)
    {
        h.Append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"").Append(Table).Append("\">\n<tr>");
        foreach (var header in headers) h.Append("<th style=\"").Append(Head).Append("\">").Append(rawHeaders ? header : E(header)).Append("</th>");
        h.Append("</tr>\n");
        for (var i = 0; i < rows.Count; i++)
        {
            var background = i % 2 == 1 ? "background:#f7f8fa;" : "";
            h.Append("<tr>");
            for (var c = 0; c < rows[i].Length; c++)
                h.Append("<td style=\"").Append(c == 0 && firstIsName ? Name : Cell).Append(background).Append("\">").Append(E(rows[i][c])).Append("</td>");
            h.Append("</tr>\n");
        }
        h.Append("</table>\n");
    }

    private static string Columns(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, bool firstIsName)
    {
        var widths = headers.Select((hd, c) => Math.Max(hd.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        var t = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            var line = new StringBuilder("  ");
            for (var c = 0; c < cells.Count; c++)
            {
                if (c > 0) line.Append("  ");
                line.Append(c == 0 && firstIsName ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
            }
            t.Append(line.ToString().TrimEnd()).Append('\n');
        }
        Line(headers);
        foreach (var row in rows) Line(row);
        return t.ToString();
    }

    /// <summary>A duration as an admin reads it: <c>45m</c>, <c>3h 20m</c>, <c>2d 4h</c>; "-" when there is none.</summary>
    public static string Duration(TimeSpan? value)
    {
        if (value is not { } d) return "-";
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        if (d < TimeSpan.FromMinutes(1)) return Invariant($"{(int)d.TotalSeconds}s");
        if (d < TimeSpan.FromHours(1)) return Invariant($"{(int)d.TotalMinutes}m");
        if (d < TimeSpan.FromDays(1)) return Invariant($"{(int)d.TotalHours}h {d.Minutes:00}m");
        return Invariant($"{(int)d.TotalDays}d {d.Hours}h");
    }

    private static string DayName(DateOnly day) => day.ToString("dddd, d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
