import { createMailWorld, HOUR, type MailWorld, SERVICE } from "@scripts-email/harness/mail-world";
import { startTestRelay, type TestRelay } from "@scripts-email/harness/test-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpRelay } from "./smtp-relay.ts";
import { createDeliveryWorker } from "./worker.ts";

describe("automatic protection", () => {
  let world: MailWorld;
  let relay: TestRelay;
  beforeAll(async () => {
    world = await createMailWorld({
      burst: { limit: 30, windowMs: 60_000 },
      bounce: { ratio: 0.5, minFailures: 5, windowMs: HOUR },
    });
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.close();
    await world.dispose();
  });

  it("blocks a hosting whose recipients bounce, with the figures as the reason", async () => {
    for (let i = 0; i < 4; i++) await world.submit([`x${i}+550@dest.test`]);
    const worker = createDeliveryWorker(world.mail.delivery, createSmtpRelay({ url: relay.url }));
    await worker.runOnce();
    expect((await world.services.email.status({ kind: "system" }, SERVICE)).state).toBe("active");
    await world.submit(["y+550@dest.test", "ok@dest.test"]);
    await worker.runOnce();
    const status = await world.services.email.status({ kind: "system" }, SERVICE);
    expect(status.state).toBe("blocked");
    expect(status.blockedBy).toBe("system");
    expect(status.stateReason).toMatch(/bounces: 83% of 6 recipients/);
    await world.services.email.request({ kind: "system" }, SERVICE, "unblock");
  });

  it("blocks a hosting that sends a burst, and holds what follows", async () => {
    world.clock.advance(2 * HOUR);
    for (let i = 0; i < 30; i++) await world.submit([`r${i}@dest.test`]);
    expect((await world.services.email.status({ kind: "system" }, SERVICE)).state).toBe("active");
    await world.submit(["one-more@dest.test"]);
    const status = await world.services.email.status({ kind: "system" }, SERVICE);
    expect(status.state).toBe("blocked");
    expect(status.stateReason).toMatch(/burst: more than 30 messages in 60 s/);
    expect((await world.submit(["after@dest.test"])).status).toBe("held");
  });
});
