import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createTestApp,
  errorCodeOf,
  insertMessage,
  seedWorld,
  type TestApp,
  type World,
} from "../testing/fixtures.ts";

let t: TestApp;
let w: World;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedWorld(t);
  base = `/api/hostings/${w.hosting.serviceName}/email/messages`;
  const at = (minutes: number) => new Date(t.clock.now().getTime() - minutes * 60_000);
  await insertMessage(t, w.hosting.id, {
    status: "sent",
    acceptedAt: at(1),
    subject: "Invoice 7",
    recipients: ["alice@example.net"],
  });
  await insertMessage(t, w.hosting.id, { status: "failed", acceptedAt: at(2), subject: "Bounced" });
  await insertMessage(t, w.hosting.id, { status: "expired", acceptedAt: at(3), subject: "Old" });
  await insertMessage(t, w.otherHosting.id, { status: "sent", subject: "Invoice elsewhere" });
});
afterAll(() => t?.close());

const subjects = (body: string) =>
  (JSON.parse(body) as { items: Array<{ subject: string }> }).items.map((m) => m.subject);

describe("GET …/email/messages with a search", () => {
  it("filters by outcome, q, recipient and acceptance time", async () => {
    const failed = await call(t.app, w.owner, "GET", `${base}?outcome=failed`);
    expect(failed.statusCode, failed.body).toBe(200);
    expect(subjects(failed.body)).toEqual(["Bounced", "Old"]);
    expect(subjects((await call(t.app, w.owner, "GET", `${base}?q=invoice`)).body)).toEqual([
      "Invoice 7",
    ]);
    const byRecipient = await call(t.app, w.owner, "GET", `${base}?recipient=ALICE%40example.net`);
    expect(subjects(byRecipient.body)).toEqual(["Invoice 7"]);
    // every row was read: the page says nothing about how far it looked
    expect(byRecipient.json()).not.toHaveProperty("searchedUntil");
    const from = new Date(t.clock.now().getTime() - 150_000).toISOString();
    const recent = await call(t.app, w.owner, "GET", `${base}?from=${encodeURIComponent(from)}`);
    expect(subjects(recent.body)).toEqual(["Invoice 7", "Bounced"]);
  });

  it("answers refused with an empty page, and refuses malformed filters", async () => {
    const refused = await call(t.app, w.owner, "GET", `${base}?outcome=refused`);
    expect(refused.json()).toEqual({ items: [], nextCursor: null });
    for (const query of ["outcome=bounced", "from=yesterday", "q=a%0Ab", `q=${"x".repeat(255)}`]) {
      const res = await call(t.app, w.owner, "GET", `${base}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(errorCodeOf(res), query).toBe("validation_failed");
    }
  });

  it("is another customer's 404 whatever the filters", async () => {
    const res = await call(t.app, w.other, "GET", `${base}?q=invoice&outcome=refused`);
    expect(res.statusCode).toBe(404);
  });
});
