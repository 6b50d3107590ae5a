import {
  type DeliveryJob,
  HEALTH_COMPONENTS,
  type Logger,
  type SpamVerdict,
} from "@scripts-email/domain";
import type { MtaMetrics } from "../metrics.ts";
import type { HealthRecorder } from "./health-recorder.ts";
import type { SpamScanner } from "./spam-scanner.ts";

export interface ScanBeforeRelayOptions {
  scanner: SpamScanner;
  metrics?: MtaMetrics | undefined;
  log: Logger;
  /** At most one warning about unscanned mail per this long (not one per message). */
  warningEveryMs: number;
  /**
   * After the scanner failed, mail goes out unscanned without asking it for this long, so that a
   * scanner that hangs costs one timeout per pause, not one per message.
   */
  pauseMs: number;
  /** Counts each answer (a verdict) and each failure (down, timed out) for the fleet summary. */
  health?: HealthRecorder | undefined;
}

/**
 * The worker's spam check before relaying: the scanner's verdict (`reject` is then held as spam
 * by the caller), or undefined when there is none and the message goes out unscanned. Each
 * message is counted in `scripts_email_spam_scans_total` by result.
 */
export function createScanBeforeRelay(
  options: ScanBeforeRelayOptions,
): (job: DeliveryJob) => Promise<SpamVerdict | undefined> {
  const { scanner, metrics, log } = options;
  /** Messages relayed unscanned since the last warning. */
  let unscanned = 0;
  let warnedAt = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;

  function noVerdict(seconds: number | undefined, reason: string): undefined {
    metrics?.spamScan("unscanned", seconds);
    unscanned++;
    const now = Date.now();
    if (now - warnedAt >= options.warningEveryMs) {
      log.warn(
        { count: unscanned, reason },
        "spam scanner gave no verdict: mail relayed unscanned (count: since the last warning)",
      );
      warnedAt = now;
      unscanned = 0;
    }
    return undefined;
  }

  return async (job) => {
    if (Date.now() < pausedUntil) {
      return noVerdict(undefined, "the scanner failed moments ago: not asked until its pause ends");
    }
    const started = performance.now();
    const result = await scanner.scan(job);
    const seconds = (performance.now() - started) / 1000;
    if (!("verdict" in result)) {
      options.health?.failure(HEALTH_COMPONENTS.spamScanner, result.unscanned);
      pausedUntil = Date.now() + options.pauseMs;
      return noVerdict(seconds, result.unscanned);
    }
    const { verdict } = result;
    options.health?.success(HEALTH_COMPONENTS.spamScanner);
    const spam = verdict.action === "reject";
    metrics?.spamScan(spam ? "spam" : "clean", seconds);
    if (spam) {
      log.info(
        {
          messageId: job.id,
          hosting: job.serviceName,
          score: verdict.score,
          symbols: verdict.symbols.map((s) => s.name),
        },
        "held as spam: the scanner would reject it",
      );
    }
    return verdict;
  };
}
