import type { Me } from "@scripts-email/contracts";
import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import {
  createServices,
  HOUR,
  ManualClock,
  recountOutcomes,
  type Services,
  type ServicesOptions,
} from "@scripts-email/domain";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../app.ts";
import type { ApiConfig } from "../types.ts";

export const PASSWORD = "correct horse battery";

export interface TestApp {
  db: TestDatabase;
  clock: ManualClock;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A fresh database, services on a manual clock and an app: one per test file. */
export async function createTestApp(
  options: { config?: Partial<ApiConfig>; services?: Omit<ServicesOptions, "db" | "clock"> } = {},
): Promise<TestApp> {
  const db = await createTestDatabase({ poolSize: 10 });
  const clock = new ManualClock();
  const services = createServices({ db, clock, ...options.services });
  const app = await buildApp({ services, config: { cookieSecure: true, ...options.config } });
  return {
    db,
    clock,
    services,
    app,
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

/** A signed-in client: its cookie, CSRF token and who it is. */
export interface Session {
  cookie: string;
  csrfToken: string;
  me: Me;
}

export async function login(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
): Promise<Session> {
  const res = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { email, password },
  });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "se_session");
  if (!cookie) throw new Error("login set no session cookie");
  const me = res.json<Me>();
  return { cookie: `se_session=${cookie.value}`, csrfToken: me.csrfToken ?? "", me };
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Sends a request as `who` (null: anonymous), with the CSRF token on mutations. */
export function call(
  app: FastifyInstance,
  who: Session | null,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const auth: Record<string, string> = who ? { cookie: who.cookie } : {};
  if (who && method !== "GET") auth["x-csrf-token"] = who.csrfToken;
  const options: InjectOptions = { method, url, headers: { ...auth, ...headers } };
  if (payload !== undefined) options.payload = payload as InjectOptions["payload"];
  return app.inject(options);
}

export interface World {
  owner: Session;
  other: Session;
  support: Session;
  /** Owned by `owner`. */
  hosting: { id: string; serviceName: string };
  /** Owned by `other`. */
  otherHosting: { id: string; serviceName: string };
}

/** Two customers with a hosting each, and a support user; all signed in. */
export async function seedWorld(t: TestApp, prefix = "w"): Promise<World> {
  const { services, app } = t;
  const ownerEmail = `${prefix}-owner@example.com`;
  const otherEmail = `${prefix}-other@example.com`;
  const supportEmail = `${prefix}-support@example.com`;
  await services.users.create({ email: ownerEmail, password: PASSWORD, role: "customer" });
  await services.users.create({ email: otherEmail, password: PASSWORD, role: "customer" });
  await services.users.create({ email: supportEmail, password: PASSWORD, role: "support" });
  const hosting = await services.hostings.create({
    serviceName: `${prefix}-owner.example.org`,
    ownerEmail,
    reportRecipient: ownerEmail,
  });
  const otherHosting = await services.hostings.create({
    serviceName: `${prefix}-other.example.net`,
    ownerEmail: otherEmail,
  });
  const [owner, other, support] = await Promise.all([
    login(app, ownerEmail),
    login(app, otherEmail),
    login(app, supportEmail),
  ]);
  return {
    owner,
    other,
    support,
    hosting: { id: hosting.id, serviceName: hosting.serviceName },
    otherHosting: { id: otherHosting.id, serviceName: otherHosting.serviceName },
  };
}

const RAW = [
  "From: Site <site@example.org>",
  "To: someone@example.com",
  "Subject: Hello",
  "Message-ID: <m1@example.org>",
  "",
  "Hi.",
  "",
].join("\r\n");

/** Inserts one message straight into the table (ingest is not under test here). */
export async function insertMessage(
  t: TestApp,
  hostingId: string,
  fields: {
    status?: "queued" | "held" | "sending" | "sent" | "failed" | "expired" | "purged";
    acceptedAt?: Date;
    subject?: string;
    recipients?: string[];
    delivered?: string[];
  } = {},
): Promise<string> {
  const acceptedAt = fields.acceptedAt ?? t.clock.now();
  const row = await t.db.prisma.message.create({
    data: {
      hostingId,
      envelopeFrom: "site@example.org",
      recipients: fields.recipients ?? ["someone@example.com"],
      delivered: fields.delivered ?? [],
      subject: fields.subject ?? "Hello",
      messageIdHeader: "<m1@example.org>",
      size: Buffer.byteLength(RAW),
      raw: Buffer.from(RAW),
      status: fields.status ?? "queued",
      expiresAt: new Date(acceptedAt.getTime() + 72 * HOUR),
      acceptedAt,
      nextAttemptAt: fields.status === "queued" ? acceptedAt : null,
      source: "sendmail",
      originatingScript: "/var/www/contact.php",
    },
  });
  return row.id;
}

export async function insertDeliveryEvent(
  t: TestApp,
  hostingId: string,
  messageId: string,
  fields: {
    outcome: "delivered" | "deferred" | "failed" | "expired";
    at?: Date;
    recipient?: string;
    smtpCode?: number | null;
    text?: string;
  },
): Promise<void> {
  await t.db.prisma.deliveryEvent.create({
    data: {
      hostingId,
      messageId,
      recipient: fields.recipient ?? "someone@example.com",
      at: fields.at ?? t.clock.now(),
      outcome: fields.outcome,
      smtpCode: fields.smtpCode === undefined ? 550 : fields.smtpCode,
      text: fields.text ?? "5.1.1 User unknown",
    },
  });
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from it
  await recountOutcomes(t.db.sql);
}

export async function insertDailyVolume(
  t: TestApp,
  hostingId: string,
  day: string,
  counts: { sent?: number; errors?: number; accepted?: number },
): Promise<void> {
  await t.db.prisma.dailyVolume.create({
    data: {
      hostingId,
      day: new Date(`${day}T00:00:00.000Z`),
      sent: counts.sent ?? 0,
      errors: counts.errors ?? 0,
      accepted: counts.accepted ?? 0,
    },
  });
}

/** The JSON error body's code, or undefined. */
export function errorCodeOf(res: LightMyRequestResponse): string | undefined {
  try {
    return (res.json() as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
