import type { Submission } from "./smtp-load.ts";

// What a load's clients were told, set against what the database holds.

export interface SubmissionLedger {
  submitted: number;
  /** Answered 250. */
  acknowledged: number;
  /** Answered 4xx (any stage). */
  deferred: number;
  /** Answered 5xx (any stage): never acceptable for a fault on the server's side. */
  rejected: Submission[];
  /** Connection failed or went silent. */
  dropped: number;
  /** Rows found for the submitted subjects. */
  stored: number;
  /** Answered 250 but not in the database: lost mail. */
  lost: Submission[];
  /** In the database although the client was not told so (the client would send it again). */
  storedUnacknowledged: number;
  /** Subjects stored more than once. */
  storedTwice: string[];
}

/** Sets what the clients were told against what the database holds. */
export function reconcileSubmissions(
  submissions: Submission[],
  storedSubjects: string[],
): SubmissionLedger {
  const stored = new Map<string, number>();
  for (const s of storedSubjects) stored.set(s, (stored.get(s) ?? 0) + 1);
  const mine = submissions.filter((s) => stored.has(s.subject));
  const code = (s: Submission) => (s.outcome.kind === "dropped" ? 0 : s.outcome.code);
  return {
    submitted: submissions.length,
    acknowledged: submissions.filter((s) => s.outcome.kind === "accepted").length,
    deferred: submissions.filter((s) => s.outcome.kind === "refused" && code(s) < 500).length,
    rejected: submissions.filter((s) => s.outcome.kind === "refused" && code(s) >= 500),
    dropped: submissions.filter((s) => s.outcome.kind === "dropped").length,
    stored: mine.length,
    lost: submissions.filter((s) => s.outcome.kind === "accepted" && !stored.has(s.subject)),
    storedUnacknowledged: mine.filter((s) => s.outcome.kind !== "accepted").length,
    storedTwice: [...stored].filter(([, n]) => n > 1).map(([s]) => s),
  };
}

/** `451 ×12, 454 ×3, dropped(end) ×1`: how the non-accepted submissions were answered. */
export function describeRefusals(submissions: Submission[]): string {
  const counts = new Map<string, number>();
  for (const s of submissions) {
    if (s.outcome.kind === "accepted") continue;
    const key =
      s.outcome.kind === "refused"
        ? `${s.outcome.code}@${s.outcome.stage}`
        : `dropped@${s.outcome.stage}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ") || "none";
}
