import { type Locale, t } from "@scripts-email/i18n";
import { replyText } from "../message/server-reply.ts";
import type { RefusalDay } from "../refusal/refusal-read-repository.ts";
import { escapeHtml } from "../shared/system-mail.ts";
import { localTime } from "./report-time.ts";

export interface ErrorEvent {
  at: Date;
  recipient: string;
  smtpCode: number | null;
  text: string;
}

/**
 * Errors with one cause (same SMTP code and reply), first to last occurrence. `text` is the
 * reply without its code: the code has its own column, and is shown once.
 */
export interface ErrorGroup {
  first: Date;
  last: Date;
  /** Distinct recipients, in order of first failure. */
  recipients: string[];
  code: number | null;
  text: string;
  count: number;
}

export interface ReportInput {
  locale: Locale;
  serviceName: string;
  /** The local calendar day, as midnight UTC of its date. */
  day: Date;
  timeZone: string;
  /** Exact number of errors of the day (the events below may be fewer: they are capped). */
  errorCount: number;
  events: ErrorEvent[];
  panelUrl: string;
  /** Submissions refused on the report's date (UTC day), by reason; none when absent. */
  refusals?: RefusalDay;
}

export interface ReportContent {
  subject: string;
  text: string;
  html: string;
}

/** At most this many rows in the table; the rest is summed up in one line. */
export const MAX_ROWS = 50;
const SHOWN_RECIPIENTS = 3;

export function groupErrors(events: ErrorEvent[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const text = replyText(e.smtpCode, e.text);
    const key = `${e.smtpCode ?? ""} ${text}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        first: e.at,
        last: e.at,
        recipients: [e.recipient],
        code: e.smtpCode,
        text,
        count: 1,
      });
      continue;
    }
    group.last = e.at;
    group.count++;
    if (!group.recipients.includes(e.recipient)) group.recipients.push(e.recipient);
  }
  return [...groups.values()];
}

function formatDay(day: Date, locale: Locale): string {
  const tag = { en: "en-GB", pt: "pt-PT", fr: "fr-FR" }[locale];
  return new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" }).format(day);
}

interface Row {
  time: string;
  recipient: string;
  code: string;
  message: string;
  count: number;
}

function rowsOf(input: ReportInput, groups: ErrorGroup[]): Row[] {
  return groups.slice(0, MAX_ROWS).map((g) => {
    const first = localTime(g.first, input.timeZone);
    const last = localTime(g.last, input.timeZone);
    const shown = g.recipients.slice(0, SHOWN_RECIPIENTS).join(", ");
    const more = g.recipients.length - SHOWN_RECIPIENTS;
    return {
      time: first === last ? first : `${first}–${last}`,
      recipient:
        more > 0 ? t(input.locale, "mail.report.moreRecipients", { first: shown, more }) : shown,
      code: g.code === null ? "—" : String(g.code),
      message: g.text,
      count: g.count,
    };
  });
}

/** Reasons named in the refusals line; the rest are in the panel. */
const SHOWN_REASONS = 3;

/** "N messages refused yesterday…" with the most frequent reasons, or null when none. */
function refusedLine(input: ReportInput, date: string): string | null {
  const refusals = input.refusals;
  if (!refusals || refusals.total === 0) return null;
  const reasons = refusals.reasons
    .slice(0, SHOWN_REASONS)
    .map((r) =>
      t(input.locale, "mail.report.refusedReason", {
        reason: t(input.locale, `web.refused.reason.${r.reason}`),
        count: r.count,
      }),
    )
    .join(", ");
  return t(input.locale, "mail.report.refused", { count: refusals.total, date, reasons });
}

/** The report's subject, text and HTML; every value from the database is escaped in the HTML. */
export function buildReport(input: ReportInput): ReportContent {
  const { locale } = input;
  const date = formatDay(input.day, locale);
  const vars = {
    serviceName: input.serviceName,
    date,
    count: input.errorCount,
    timeZone: input.timeZone,
  };
  const groups = groupErrors(input.events);
  const rows = rowsOf(input, groups);
  const notes: string[] = [];
  if (input.events.length < input.errorCount) {
    notes.push(t(locale, "mail.report.truncated", { shown: input.events.length }));
  }
  if (groups.length > rows.length) {
    notes.push(t(locale, "mail.report.moreCauses", { count: groups.length - rows.length }));
  }
  const columns = [
    t(locale, "mail.report.col.time"),
    t(locale, "mail.report.col.recipient"),
    t(locale, "mail.report.col.code"),
    t(locale, "mail.report.col.message"),
    t(locale, "mail.report.col.count"),
  ];
  const next = [
    t(locale, "mail.report.next.permanent"),
    t(locale, "mail.report.next.temporary"),
    t(locale, "mail.report.next.abuse"),
  ];
  // a day with refusals only: its report is about them, without the errors' table and advice
  const errors = input.errorCount > 0;
  const subject = errors
    ? t(locale, "mail.report.subject", vars)
    : t(locale, "mail.report.subjectRefused", { ...vars, count: input.refusals?.total ?? 0 });
  const heading = t(locale, errors ? "mail.report.heading" : "mail.report.headingRefused", vars);
  const summary = t(locale, errors ? "mail.report.summary" : "mail.report.summaryNoErrors", vars);
  const refused = refusedLine(input, date);
  const panel = t(locale, "mail.report.panel");
  const footer = t(locale, "mail.report.footer", vars);

  const text = [
    heading,
    "=".repeat(Math.min(heading.length, 72)),
    "",
    summary,
    "",
    ...(refused ? [refused, ""] : []),
    ...(errors
      ? [
          ...rows.map(
            (r) =>
              `- ${r.time}  ${r.recipient}  ${r.code}  ${r.message}${r.count > 1 ? `  (×${r.count})` : ""}`,
          ),
          ...(notes.length ? ["", ...notes] : []),
          "",
          t(locale, "mail.report.next.heading"),
          "",
          ...next.map((n) => `* ${n}`),
          "",
        ]
      : []),
    `${panel}: ${input.panelUrl}`,
    "",
    "-- ",
    footer,
    "",
  ].join("\n");

  const e = escapeHtml;
  const cell =
    'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"';
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>`,
    '<body style="font-family:sans-serif;color:#222">',
    `<h1 style="font-size:20px">${e(heading)}</h1>`,
    `<p>${e(summary)}</p>`,
    ...(refused ? [`<p>${e(refused)}</p>`] : []),
    ...(errors
      ? [
          '<table style="border-collapse:collapse;font-size:14px">',
          `<thead><tr>${columns.map((c) => `<th ${cell}>${e(c)}</th>`).join("")}</tr></thead>`,
          "<tbody>",
          ...rows.map(
            (r) =>
              `<tr><td ${cell}>${e(r.time)}</td><td ${cell}>${e(r.recipient)}</td><td ${cell}>${e(r.code)}</td><td ${cell}>${e(r.message)}</td><td ${cell}>${r.count}</td></tr>`,
          ),
          "</tbody></table>",
          ...notes.map((n) => `<p>${e(n)}</p>`),
          `<h2 style="font-size:16px">${e(t(locale, "mail.report.next.heading"))}</h2>`,
          `<ul>${next.map((n) => `<li>${e(n)}</li>`).join("")}</ul>`,
        ]
      : []),
    `<p><a href="${e(input.panelUrl)}">${e(panel)}</a></p>`,
    `<p style="color:#666;font-size:12px">${e(footer)}</p>`,
    "</body></html>",
    "",
  ].join("\n");

  return { subject, text, html };
}

/** The panel page of a hosting. */
export function panelUrl(publicUrl: string, serviceName: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/hostings/${encodeURIComponent(serviceName)}`;
}
