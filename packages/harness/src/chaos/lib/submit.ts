import { runSmtpLoad, type Submission } from "../../smtp-load.ts";
import { sleep } from "./harness.ts";

export interface SubmitOptions {
  port: number;
  user: string;
  password: string;
  subjects: string[];
  clients: number;
  bodyBytes?: number;
  recipient?(subject: string): string;
  /** Pause of a session after each accepted message; default 0. */
  pauseMs?: number;
  /** Passes over what is still to send (the first included); default 30. */
  maxPasses?: number;
  /** Pause before each retry pass; default 1 s. */
  retryPauseMs?: number;
  signal?: AbortSignal;
  onSubmission?(submission: Submission, tally: ClientTally): void;
}

/** What the clients know at the end, per message (subject). */
export interface ClientTally {
  /** Distinct messages the clients had to send. */
  submitted: number;
  /** Messages finally answered 250. */
  accepted: Set<string>;
  /**
   * Messages whose connection died after their data was sent and before the reply: the client
   * cannot know whether they were stored, so it does not send them again.
   */
  unknown: Set<string>;
  /** 5xx answers: the client gives the message up. Never acceptable for a server-side fault. */
  rejected: Submission[];
  /** 4xx answers, all passes (the client keeps the message and sends it again). */
  refused4xx: number;
  /** Connections that failed before the data was sent (sent again). */
  droppedBeforeData: number;
  /** Still neither accepted nor unknown when the passes ran out. */
  pending: string[];
  /** Every attempt, in order of the passes. */
  attempts: Submission[];
  /** 4xx codes and drop stages seen, e.g. `451@end ×12, dropped@connect ×40`. */
  answers: Map<string, number>;
}

export function describeAnswers(tally: ClientTally): string {
  return (
    [...tally.answers]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ×${n}`)
      .join(", ") || "none"
  );
}

/**
 * Sends every subject as a client that retries would: 4xx and connections that failed before the
 * data went out are sent again on the next pass; a connection that died after the data went out
 * leaves the message "unknown" (not sent again); a 5xx gives the message up.
 */
export async function submitWithRetries(options: SubmitOptions): Promise<ClientTally> {
  const tally: ClientTally = {
    submitted: options.subjects.length,
    accepted: new Set(),
    unknown: new Set(),
    rejected: [],
    refused4xx: 0,
    droppedBeforeData: 0,
    pending: [...options.subjects],
    attempts: [],
    answers: new Map(),
  };
  const maxPasses = options.maxPasses ?? 30;
  for (let pass = 0; pass < maxPasses && tally.pending.length > 0; pass++) {
    if (options.signal?.aborted) break;
    if (pass > 0) await sleep(options.retryPauseMs ?? 1_000, options.signal);
    const batch = tally.pending;
    const again: string[] = [];
    const submissions = await runSmtpLoad({
      port: options.port,
      user: options.user,
      password: options.password,
      messages: batch.length,
      clients: Math.min(options.clients, batch.length),
      subject: (i) => batch[i]!,
      ...(options.recipient ? { recipient: (i: number) => options.recipient!(batch[i]!) } : {}),
      ...(options.bodyBytes === undefined ? {} : { bodyBytes: options.bodyBytes }),
      pauseMs: options.pauseMs ?? 0,
      backoffMs: 200,
      replyTimeoutMs: 10_000,
      ...(options.signal ? { signal: options.signal } : {}),
      onSubmission: (s) => {
        const o = s.outcome;
        if (o.kind === "accepted") tally.accepted.add(s.subject);
        else {
          const key = o.kind === "refused" ? `${o.code}@${o.stage}` : `dropped@${o.stage}`;
          tally.answers.set(key, (tally.answers.get(key) ?? 0) + 1);
          if (o.kind === "refused" && o.code >= 500) tally.rejected.push(s);
          else if (o.kind === "refused") {
            tally.refused4xx++;
            again.push(s.subject);
          } else if (o.stage === "end") tally.unknown.add(s.subject);
          else {
            tally.droppedBeforeData++;
            again.push(s.subject);
          }
        }
        tally.attempts.push(s);
        options.onSubmission?.(s, tally);
      },
    });
    // Messages an aborted load never got to stay pending.
    const answered = new Set(submissions.map((s) => s.subject));
    tally.pending = [...again, ...batch.filter((s) => !answered.has(s))];
  }
  return tally;
}
