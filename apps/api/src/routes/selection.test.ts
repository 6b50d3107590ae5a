import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
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
  base = `/api/hostings/${w.hosting.serviceName}/email`;
});
afterAll(() => t?.close());
beforeEach(async () => {
  await t.services.selection.idle();
  await t.db.prisma.message.deleteMany();
  await t.db.prisma.selectionJob.deleteMany();
});

/** Held order mail (3), held spam (2) and queued mail (1). */
async function incident() {
  const orders: string[] = [];
  for (let i = 0; i < 3; i++) {
    orders.push(await insertMessage(t, w.hosting.id, { status: "held", subject: `Order ${i}` }));
  }
  const spam: string[] = [];
  for (let i = 0; i < 2; i++) {
    spam.push(await insertMessage(t, w.hosting.id, { status: "held", subject: "Cheap pills" }));
  }
  await t.db.sql.query(`UPDATE "Message" SET spam = true WHERE id = ANY($1::uuid[])`, [spam]);
  const queued = await insertMessage(t, w.hosting.id, { status: "queued" });
  return { orders, spam, queued };
}

const select = (who: keyof Pick<World, "owner" | "other" | "support">, body: unknown) =>
  call(t.app, w[who], "POST", `${base}/selection`, body);

describe("POST /api/hostings/:serviceName/email/selection", () => {
  it("counts at once with 200 and changes nothing", async () => {
    await incident();
    const all = await select("owner", { filter: {}, action: "count" });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toEqual({ matched: 6 });
    const spam = await select("owner", { filter: { status: "spam" }, action: "count" });
    expect(spam.json()).toEqual({ matched: 2 });
    const orders = await select("owner", {
      filter: { status: ["held"], subject: "order" },
      action: "count",
    });
    expect(orders.json()).toEqual({ matched: 3 });
    expect(await t.db.prisma.selectionJob.count()).toBe(0);
  });

  it("deletes with 202 and a job that soon reports finished; the mail is listed as purged", async () => {
    const { spam } = await incident();
    const res = await select("owner", { filter: { status: "spam" }, action: "delete" });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, matched } = res.json();
    expect(matched).toBe(2);
    // the API process runs the job at once, without waiting for the scheduler
    await t.services.selection.idle();
    const job = await call(t.app, w.owner, "GET", `${base}/jobs/${jobId}`);
    expect(job.statusCode, job.body).toBe(200);
    expect(job.json()).toMatchObject({
      id: jobId,
      action: "delete",
      filter: { status: ["spam"] },
      state: "finished",
      matched: 2,
      done: 2,
      actorRole: "customer",
      actorEmail: "w-owner@example.com",
      reason: null,
      finishedAt: expect.any(String),
    });
    const purged = await call(t.app, w.owner, "GET", `${base}/messages?status=purged`);
    expect(
      purged
        .json()
        .items.map((m: { id: string }) => m.id)
        .sort(),
    ).toEqual([...spam].sort());

    const list = await call(t.app, w.owner, "GET", `${base}/jobs`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((j: { id: string }) => j.id)).toEqual([jobId]);
  });

  it("a customer's release skips spam; asking for spam is 403 spam_release_forbidden", async () => {
    const { spam } = await incident();
    const refused = await select("owner", { filter: { status: "spam" }, action: "release" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: "spam_release_forbidden",
      message: expect.stringContaining("flagged as spam"),
    });
    const french = await call(
      t.app,
      w.owner,
      "POST",
      `${base}/selection`,
      { filter: { ids: spam }, action: "release" },
      { "accept-language": "fr" },
    );
    expect(french.statusCode).toBe(403);
    expect(french.json().error.message).toContain("signalés comme spam");

    const res = await select("owner", { filter: {}, action: "release" });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().matched).toBe(4);
    await t.services.selection.idle();
    const job = await call(t.app, w.owner, "GET", `${base}/jobs/${res.json().jobId}`);
    expect(job.json()).toMatchObject({ state: "finished", done: 4 });
    const held = await call(t.app, w.owner, "GET", `${base}/messages?status=held`);
    expect(
      held
        .json()
        .items.map((m: { id: string }) => m.id)
        .sort(),
    ).toEqual([...spam].sort());
  });

  it("support needs a reason (400 reason_required), and stays anonymous to the customer", async () => {
    await incident();
    const bare = await select("support", { filter: { status: "spam" }, action: "release" });
    expect(bare.statusCode).toBe(400);
    expect(errorCodeOf(bare)).toBe("reason_required");
    const res = await select("support", {
      filter: { status: "spam" },
      action: "release",
      reason: "ticket 42: newsletter, not spam",
    });
    expect(res.statusCode, res.body).toBe(202);
    await t.services.selection.idle();
    const asOwner = await call(t.app, w.owner, "GET", `${base}/jobs/${res.json().jobId}`);
    expect(asOwner.json()).toMatchObject({
      actorRole: "support",
      actorEmail: null,
      reason: "ticket 42: newsletter, not spam",
      done: 2,
    });
    const asSupport = await call(t.app, w.support, "GET", `${base}/jobs/${res.json().jobId}`);
    expect(asSupport.json().actorEmail).toBe("w-support@example.com");
  });

  it.each([
    ["an unknown filter field", { filter: { body: "x" }, action: "count" }],
    ["an unknown action", { filter: {}, action: "purge" }],
    ["a bad status", { filter: { status: "sent" }, action: "count" }],
    ["a bad time", { filter: { from: "yesterday" }, action: "count" }],
    ["a message id that is not one", { filter: { ids: ["1"] }, action: "count" }],
    ["no ids", { filter: { ids: [] }, action: "count" }],
  ])("refuses %s with 400", async (_name, body) => {
    const res = await select("owner", body);
    expect(res.statusCode, res.body).toBe(400);
    expect(errorCodeOf(res)).toBe("validation_failed");
  });

  it("another customer's hosting and an unknown job answer 404", async () => {
    await incident();
    const res = await select("other", { filter: {}, action: "delete" });
    expect(res.statusCode).toBe(404);
    const created = await select("owner", { filter: {}, action: "count" });
    expect(created.statusCode).toBe(200);
    const unknown = await call(
      t.app,
      w.owner,
      "GET",
      `${base}/jobs/0190d5e0-0000-7000-8000-000000000000`,
    );
    expect(unknown.statusCode).toBe(404);
    const malformed = await call(t.app, w.owner, "GET", `${base}/jobs/42`);
    expect(malformed.statusCode).toBe(400);
    // a job is only ever seen through its own hosting
    const mine = await select("owner", { filter: {}, action: "delete" });
    await t.services.selection.idle();
    const elsewhere = await call(
      t.app,
      w.other,
      "GET",
      `/api/hostings/${w.otherHosting.serviceName}/email/jobs/${mine.json().jobId}`,
    );
    expect(elsewhere.statusCode).toBe(404);
  });
});
