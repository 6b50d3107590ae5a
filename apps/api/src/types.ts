import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Actor, Services, SessionInfo } from "@scripts-email/domain";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Registry } from "prom-client";

export interface ApiConfig {
  /** Sets `Secure` on the session cookie; true everywhere but plain-HTTP development. */
  cookieSecure: boolean;
  /** Fastify's own logger options (tests); ignored when `loggerInstance` is given. */
  logger?: boolean | object;
  /** The process's logger (a pino child): requests are logged through it, with their `reqId`. */
  loggerInstance?: FastifyBaseLogger;
  /** Proxies (addresses, CIDR networks) whose X-Forwarded-For gives `request.ip`; default none. */
  trustProxy?: boolean | string[];
  /** Folder of a built SPA to serve, with an index.html fallback for non-API GET routes. */
  staticDir?: string;
  /** `capture` when mail is written to files instead of relayed (no SMTP_RELAY_URL). */
  deliveryMode?: "relay" | "capture";
  /** The process's metrics registry (other roles' metrics); default: one of the app's own. */
  metricsRegistry?: Registry;
  /**
   * Bearer credential that `/metrics` on this listener requires; unset: the API does not serve
   * `/metrics` (the process's METRICS_PORT listener may).
   */
  metricsToken?: string;
  /**
   * Where the sending settings shown to customers point (the SMTP listener as sites reach it)
   * and how long an SMTP process trusts a login (its cache); default 127.0.0.1:2525 and 5 s.
   */
  sending?: { host: string; port: number; loginCacheSeconds: number };
}

export interface BuildAppOptions {
  services: Services;
  config: ApiConfig;
}

/** How the current request proved who it is. */
export type RequestAuth =
  | { kind: "cookie"; actor: Extract<Actor, { kind: "user" }>; session: SessionInfo; token: string }
  | { kind: "bearer"; actor: Extract<Actor, { kind: "user" }> };

export type ZodApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}
