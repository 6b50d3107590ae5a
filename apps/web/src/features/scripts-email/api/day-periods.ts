/** The periods the per-script view and the refused mail offer, in UTC days counting today. */
export const DAY_PERIODS = [1, 7, 30] as const;
export type DayPeriod = (typeof DAY_PERIODS)[number];
