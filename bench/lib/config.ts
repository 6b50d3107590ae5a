// Sizes of a run: full (the figures, ~60 minutes) or quick (a smoke run, < 60 s).

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
    /** The world's sizes, smallest first: the panel is measured at each as the world grows. */
    steps: PanelStep[];
    /** Messages of each of the two big hostings (one queued for block/purge, one held). */
    big: number;
    /** autocannon seconds per call and target; connections. */
    seconds: number;
    connections: number;
    /** How long to watch the unblocked big queue being delivered; 0 skips it. */
    deliverySeconds: number;
  };
  /** Roles as processes: messages per load, concurrent sessions (split over the SMTP ports). */
  roles: { messages: number; sessions: number; bodyBytes: number };
  /** Script path: PHP mail() calls per load, PHP processes at once, command samples. */
  script: { calls: number; procs: number; samples: number };
  profile: boolean;
  installPostfix: boolean;
  buildSpa: boolean;
  only: Set<string>;
}

export interface PanelStep {
  /** Short name in figures and tables: `1m`, `5m`, `20m`. */
  label: string;
  hostings: number;
  messages: number;
}

export const PARTS = ["relay", "panel", "spa", "script-path", "roles", "fleet"] as const;

/** The sizes: 1 M and 5 M messages over 10 k hostings, 20 M over 50 k. */
export const FULL_PANEL_SIZES = "1m,5m,20m";
const QUICK_PANEL_SIZES = "10k,20k";

/**
 * `--panel-sizes 1m,5m,20m`: messages with a k or m suffix, optionally `/hostings`
 * (`20m/50k`). Without hostings: 50 k from 20 M messages up, 10 k below, 100 in quick mode.
 */
export function panelSteps(text: string | undefined, quick: boolean): PanelStep[] {
  const amount = (t: string) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(t.trim());
    if (!m) throw new Error(`--panel-sizes: "${t}" is not a size like 500k or 5m`);
    const unit = m[2]?.toLowerCase();
    return Math.round(Number(m[1]) * (unit === "m" ? 1e6 : unit === "k" ? 1e3 : 1));
  };
  const steps = (text ?? (quick ? QUICK_PANEL_SIZES : FULL_PANEL_SIZES))
    .split(",")
    .filter((t) => t.trim() !== "")
    .map((t) => {
      const [messages = "", hostings] = t.split("/");
      const n = amount(messages);
      return {
        label: messages.trim().toLowerCase(),
        messages: n,
        hostings: hostings ? amount(hostings) : quick ? 100 : n >= 20e6 ? 50_000 : 10_000,
      };
    });
  if (steps.length === 0) throw new Error("--panel-sizes: no size given");
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.messages <= steps[i - 1]!.messages)
      throw new Error("--panel-sizes: sizes grow, smallest first (1m,5m,20m)");
  }
  return steps;
}

/** The big hostings' queues at a step: `big`, or a fifth of the world each while it is small. */
export function bigAt(step: PanelStep, big: number): number {
  return Math.min(big, Math.floor(step.messages / 5));
}

export function sizes(quick: boolean) {
  return quick
    ? {
        relay: { messages: 100, sessions: 10, bodyBytes: 1024, warmup: 10, phaseMs: 15_000 },
        panel: {
          steps: panelSteps(undefined, true),
          big: 10_000,
          seconds: 0.5,
          connections: 4,
          deliverySeconds: 0,
        },
        roles: { messages: 200, sessions: 4, bodyBytes: 1024 },
        script: { calls: 20, procs: 10, samples: 3 },
      }
    : {
        relay: { messages: 20_000, sessions: 20, bodyBytes: 1024, warmup: 500, phaseMs: 120_000 },
        panel: {
          steps: panelSteps(undefined, false),
          big: 1_000_000,
          seconds: 5,
          connections: 10,
          deliverySeconds: 90,
        },
        roles: { messages: 10_000, sessions: 20, bodyBytes: 1024 },
        script: { calls: 500, procs: 10, samples: 10 },
      };
}
