import type { SelectionFilter } from "@scripts-email/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, disposeWorld, type World } from "../shared/test-fixtures.ts";
import { insertSelectable } from "./selection-fixtures.ts";

// Each filter field alone and combined, counted by the real SQL on PostgreSQL. The messages are
// named by letter; the mail that is sending, finished or another hosting's is never selected.
let w: World;
const id: Record<string, string> = {};

const at = (time: string) => new Date(`2026-03-10T${time}:00.000Z`);

beforeAll(async () => {
  w = await createWorld({ startSelectionJobs: false });
  const h = w.hosting.id;
  const add = async (name: string, seed: Parameters<typeof insertSelectable>[3], hosting = h) => {
    const [inserted] = await insertSelectable(w.db, hosting, 1, seed);
    id[name] = inserted!;
  };
  await add("a", {
    status: "held",
    script: "contact.php",
    sender: "WWW@Example.org",
    recipients: ["Alice@Shop.example"],
    subject: "Your order 100%",
    acceptedAt: at("10:00"),
  });
  await add("b", {
    status: "held",
    spam: true,
    script: "hack.php",
    sender: "spam@example.org",
    recipients: ["x@victim.test", "y@other.test"],
    subject: "Cheap pills",
    acceptedAt: at("10:10"),
  });
  await add("c", {
    status: "queued",
    script: "contact.php",
    sender: "www@example.org",
    recipients: ["bob@shop.example"],
    subject: "Order_confirmation",
    acceptedAt: at("10:20"),
  });
  await add("g", {
    status: "held",
    script: "hack.php",
    sender: "spam@example.org",
    recipients: ["z@victim.test"],
    subject: "a_b",
    acceptedAt: at("10:30"),
  });
  // never selected: being sent, finished, already purged, or another hosting's
  for (const status of ["sending", "sent", "failed", "expired", "purged"] as const) {
    await add(status, {
      status,
      script: "contact.php",
      sender: "www@example.org",
      recipients: ["alice@shop.example"],
      subject: "Your order",
      acceptedAt: at("10:05"),
    });
  }
  await add(
    "elsewhere",
    {
      status: "held",
      script: "contact.php",
      sender: "www@example.org",
      recipients: ["alice@shop.example"],
      subject: "Your order",
      acceptedAt: at("10:05"),
    },
    w.otherHosting.id,
  );
}, 60_000);
afterAll(async () => {
  await disposeWorld(w);
});

async function matches(filter: SelectionFilter): Promise<number> {
  const answer = await w.services.selection.select(w.customer, "example.org", {
    action: "count",
    filter,
  });
  return answer.matched;
}

describe("a selection filter", () => {
  it.each<[string, SelectionFilter, number]>([
    ["nothing: held, spam and queued", {}, 4],
    ["status held (not spam)", { status: ["held"] }, 2],
    ["status spam", { status: ["spam"] }, 1],
    ["status queued", { status: ["queued"] }, 1],
    ["status held and spam", { status: ["held", "spam"] }, 3],
    ["status spam and queued", { status: ["spam", "queued"] }, 2],
    ["script", { script: "contact.php" }, 2],
    ["script that sent nothing", { script: "nothing.php" }, 0],
    ["sender, any case", { sender: "www@EXAMPLE.org" }, 2],
    ["recipient address, any case", { recipient: "alice@shop.EXAMPLE" }, 1],
    ["recipient domain", { recipient: "@shop.example" }, 2],
    ["recipient domain, any case, any of several recipients", { recipient: "@OTHER.test" }, 1],
    ["recipient domain is the whole domain, not a suffix", { recipient: "@test" }, 0],
    ["subject contains, any case", { subject: "ORDER" }, 2],
    ["subject with a literal %", { subject: "100%" }, 1],
    ["subject % is not a wildcard", { subject: "%" }, 1],
    ["subject _ is not a wildcard", { subject: "_" }, 2],
    ["subject \\ is literal", { subject: "\\" }, 0],
    ["from (inclusive)", { from: "2026-03-10T10:10:00.000Z" }, 3],
    ["to (exclusive)", { to: "2026-03-10T10:10:00.000Z" }, 1],
    ["from and to", { from: "2026-03-10T10:05:00Z", to: "2026-03-10T10:25:00+00:00" }, 2],
    ["script and status", { script: "hack.php", status: ["spam"] }, 1],
    [
      "script, recipient domain and status",
      { script: "contact.php", recipient: "@shop.example", status: ["queued"] },
      1,
    ],
    [
      "sender, subject and from",
      { sender: "www@example.org", subject: "order", from: "2026-03-10T10:15:00Z" },
      1,
    ],
    ["fields that exclude each other", { script: "hack.php", subject: "order" }, 0],
  ])("%s", async (_name, filter, expected) => {
    expect(await matches(filter)).toBe(expected);
  });

  it("ids: only this hosting's selectable mail among them", async () => {
    const ids = [id.a!, id.b!, id.sent!, id.sending!, id.purged!, id.elsewhere!];
    expect(await matches({ ids })).toBe(2);
    expect(await matches({ ids, status: ["held"] })).toBe(1);
    expect(await matches({ ids: [id.c!], script: "hack.php" })).toBe(0);
  });

  it("input is a parameter, never SQL", async () => {
    expect(await matches({ script: "x' OR '1'='1" })).toBe(0);
    expect(await matches({ subject: "' OR 1=1 --" })).toBe(0);
    expect(await matches({ recipient: "@x') OR true --" })).toBe(0);
  });
});
