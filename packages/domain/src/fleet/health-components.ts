/** The parts whose health the delivery workers record per minute (HealthMinute.component). */
export const HEALTH_COMPONENTS = {
  relay: "relay",
  spamScanner: "spam_scanner",
} as const;

export type HealthComponent = (typeof HEALTH_COMPONENTS)[keyof typeof HEALTH_COMPONENTS];
