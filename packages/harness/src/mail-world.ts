import { createTestDatabase, type TestDatabase } from "@scripts-email/db/testing";
import {
  createMailPath,
  createServices,
  HOUR,
  type MailPath,
  type MailPathOptions,
  ManualClock,
  type Services,
} from "@scripts-email/domain";

export interface MailWorld {
  db: TestDatabase;
  clock: ManualClock;
  services: Services;
  mail: MailPath;
  hostingId: string;
  /** Stores a message for example.org as SMTP ingest would. */
  submit(to: string[], subject?: string): Promise<{ id: string; status: "queued" | "held" }>;
  dispose(): Promise<void>;
}

export const SERVICE = "example.org";

/** A fresh database with one customer and the hosting example.org, and the mail path over it. */
export async function createMailWorld(options: MailPathOptions = {}): Promise<MailWorld> {
  const db = await createTestDatabase({ poolSize: 12 });
  const clock = new ManualClock("2026-03-10T12:00:00.000Z");
  const services = createServices({ db, clock });
  const mail = createMailPath({ db, clock, ...options }, services);
  await services.users.create({
    email: "owner@example.org",
    password: "correct horse",
    role: "customer",
  });
  const hosting = await services.hostings.create({
    serviceName: SERVICE,
    ownerEmail: "owner@example.org",
  });
  let n = 0;
  return {
    db,
    clock,
    services,
    mail,
    hostingId: hosting.id,
    async submit(to, subject = `Test ${++n}`) {
      const raw = Buffer.from(
        `From: site@example.org\r\nTo: ${to.join(", ")}\r\nSubject: ${subject}\r\nMessage-ID: <${n}.${Date.now()}@example.org>\r\n\r\nHello.\r\n`,
      );
      const accepted = await mail.ingest.accept({
        hostingId: hosting.id,
        envelopeFrom: "site@example.org",
        recipients: to,
        raw,
        source: "smtp",
      });
      // The burst rule runs after the answer: tests look at its effect once it has run.
      await mail.ingest.settled();
      return accepted;
    },
    dispose: () => db.dispose(),
  };
}

export { HOUR };
