import { AUTOMATIC } from "../actor.ts";
import type { Clock } from "../clock.ts";
import type { EmailService } from "../services.ts";
import type { ProtectionRepository } from "./protection-repository.ts";

export interface BounceRule {
  /** Share of failed recipients (0–1) over `windowMs` that blocks the hosting; 0 disables. */
  ratio: number;
  /** Failures needed before the ratio counts, so one bad address does not block a site. */
  minFailures: number;
  windowMs: number;
}

/** Automatic protection: the system blocks a hosting whose mail looks like abuse. */
export class Protection {
  constructor(
    private readonly repo: ProtectionRepository,
    private readonly email: EmailService,
    private readonly clock: Clock,
    private readonly bounce: BounceRule,
  ) {}

  /** Blocks the hosting if it is still active; a hosting blocked meanwhile is left as it is. */
  async block(hostingId: string, reason: string): Promise<void> {
    const hosting = await this.repo.activeHosting(hostingId);
    if (!hosting) return;
    await this.email
      .request(AUTOMATIC, hosting.serviceName, "block", reason)
      .catch((error: unknown) => {
        if ((error as { code?: string }).code !== "invalid_transition") throw error;
      });
  }

  async checkBounces(hostingIds: string[]): Promise<void> {
    const { ratio, minFailures, windowMs } = this.bounce;
    if (ratio <= 0) return;
    const since = new Date(this.clock.now().getTime() - windowMs);
    for (const hostingId of hostingIds) {
      const { delivered, failed } = await this.repo.recentOutcomes(hostingId, since);
      if (failed >= minFailures && failed / (failed + delivered) >= ratio) {
        const share = Math.round((100 * failed) / (failed + delivered));
        await this.block(
          hostingId,
          `bounces: ${share}% of ${failed + delivered} recipients failed in ${Math.round(windowMs / 60_000)} min (limit ${Math.round(ratio * 100)}%)`,
        );
      }
    }
  }
}
