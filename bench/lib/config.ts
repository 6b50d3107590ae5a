// Sizes of a run: full (the figures, ~20 minutes) or quick (a smoke run, < 60 s).

export interface BenchConfig {
  quick: boolean;
  /** Folder for logs, Postfix's private instance, profiles. */
  lab: string;
  /** Hard stop of the whole run (epoch ms). */
  deadline: number;
  relay: {
    messages: number;
    sessions: number;
    bodyBytes: number;
    warmup: number;
    /** Bound of one load (and of waiting for the sink after it), ms. */
    phaseMs: number;
  };
  panel: {
    hostings: number;
    messages: number;
    /** Messages of each of the two big hostings (one queued for block/purge, one held). */
    big: number;
    /** autocannon seconds per call and target; connections. */
    seconds: number;
    connections: number;
    /** How long to watch the unblocked big queue being delivered; 0 skips it. */
    deliverySeconds: number;
  };
  /** Script path: PHP mail() calls per load, PHP processes at once, command samples. */
  script: { calls: number; procs: number; samples: number };
  profile: boolean;
  installPostfix: boolean;
  buildSpa: boolean;
  only: Set<string>;
}

export const PARTS = ["relay", "panel", "spa", "script-path"] as const;

export function sizes(quick: boolean) {
  return quick
    ? {
        relay: { messages: 100, sessions: 10, bodyBytes: 1024, warmup: 10, phaseMs: 15_000 },
        panel: {
          hostings: 100,
          messages: 20_000,
          big: 10_000,
          seconds: 0.5,
          connections: 4,
          deliverySeconds: 0,
        },
        script: { calls: 20, procs: 10, samples: 3 },
      }
    : {
        relay: { messages: 20_000, sessions: 20, bodyBytes: 1024, warmup: 500, phaseMs: 120_000 },
        panel: {
          hostings: 10_000,
          messages: 5_000_000,
          big: 1_000_000,
          seconds: 5,
          connections: 10,
          deliverySeconds: 90,
        },
        script: { calls: 500, procs: 10, samples: 10 },
      };
}
