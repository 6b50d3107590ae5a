import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import {
  type Clock,
  createMailPath,
  createServices,
  type IncomingMessage,
  ManualClock,
  type Services,
} from "@scripts-email/domain";
import {
  createIngestServer,
  type IngestServer,
  type IngestServerDeps,
  type IngestServerOptions,
  smtpLogin,
} from "@scripts-email/mta";

type Accept = IngestServerDeps["accept"];

/** The domain's durable ingest on `db`, with automatic protection off (tested on its own). */
export function createIngest(
  db: TestDatabase,
  clock: Clock,
  services: Services,
): { accept: Accept } {
  return createMailPath({ db, clock, burst: { limit: 0, windowMs: 60_000 } }, services).ingest;
}

export const OWNER_EMAIL = "owner@example.test";
export const OWNER_PASSWORD = "correct horse battery";

export interface TestHosting {
  id: string;
  serviceName: string;
  password: string;
}

export interface IngestFixture {
  db: TestDatabase;
  clock: ManualClock;
  services: Services;
  ingest: { accept: Accept };
  /** Passes every accepted message to the real ingest; tests may wrap it. */
  accept: Accept;
  authenticate: IngestServerDeps["authenticate"];
  addHosting(serviceName: string, options?: { maxPerDay?: number }): Promise<TestHosting>;
  /** A server over this fixture; closed by `close()`. */
  startServer(
    options?: Partial<IngestServerOptions>,
    deps?: Partial<IngestServerDeps>,
  ): Promise<{ server: IngestServer; port: number }>;
  close(): Promise<void>;
}

/** A fresh database with an owner, the real domain services and ingest, and SMTP servers on it. */
export async function createIngestFixture(): Promise<IngestFixture> {
  const db = await createTestDatabase({ poolSize: 10 });
  const clock = new ManualClock(new Date());
  const services = createServices({ db, clock });
  await services.users.create({ email: OWNER_EMAIL, password: OWNER_PASSWORD, role: "customer" });
  const ingest = createIngest(db, clock, services);
  const servers: IngestServer[] = [];
  const authenticate = smtpLogin(services.hostings);
  const accept = (message: IncomingMessage) => ingest.accept(message);
  return {
    db,
    clock,
    services,
    ingest,
    accept,
    authenticate,
    async addHosting(serviceName, options = {}) {
      const hosting = await services.hostings.create({
        serviceName,
        ownerEmail: OWNER_EMAIL,
        ...(options.maxPerDay === undefined ? {} : { maxPerDay: options.maxPerDay }),
      });
      const password = await services.hostings.resetSmtpPassword(serviceName);
      return { id: hosting.id, serviceName: hosting.serviceName, password };
    },
    async startServer(options = {}, deps = {}) {
      const server = createIngestServer(
        { authenticate, accept, ...deps },
        { port: 0, closeTimeoutMs: 500, ...options },
      );
      servers.push(server);
      return { server, port: await server.listen() };
    },
    async close() {
      await Promise.allSettled(servers.map((s) => s.close()));
      await db.dispose();
    },
  };
}
