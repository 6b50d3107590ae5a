import { describe, expect, it } from "vitest";
import { LoginCache } from "./smtp-login-cache.ts";

function counted(accept: (user: string, password: string) => string | null) {
  const calls: string[] = [];
  const verify = async (user: string, password: string) => {
    calls.push(`${user}/${password}`);
    return accept(user, password);
  };
  return { calls, verify };
}

describe("LoginCache", () => {
  it("asks once per TTL for a login that succeeds, and again once the TTL is over", async () => {
    let now = 0;
    const { calls, verify } = counted((u, p) => (p === "right" ? `id-${u}` : null));
    const cache = new LoginCache(verify, { ttlMs: 1_000, maxEntries: 10, now: () => now });

    expect(await cache.authenticate("a.example", "right")).toBe("id-a.example");
    now = 999;
    expect(await cache.authenticate("a.example", "right")).toBe("id-a.example");
    expect(calls).toHaveLength(1);
    now = 1_000;
    expect(await cache.authenticate("a.example", "right")).toBe("id-a.example");
    expect(calls).toHaveLength(2);
  });

  it("never remembers a refusal or a failed lookup", async () => {
    let down = false;
    let password = "old";
    const calls: string[] = [];
    const cache = new LoginCache(
      async (user: string, pass: string) => {
        calls.push(pass);
        if (down) throw new Error("database went away");
        return pass === password ? user : null;
      },
      { ttlMs: 60_000, maxEntries: 10, now: () => 0 },
    );

    expect(await cache.authenticate("a.example", "new")).toBeNull();
    password = "new"; // the same credentials are good now: no waiting for a TTL
    expect(await cache.authenticate("a.example", "new")).toBe("a.example");

    down = true;
    await expect(cache.authenticate("b.example", "x")).rejects.toThrow("database went away");
    down = false;
    password = "x";
    expect(await cache.authenticate("b.example", "x")).toBe("b.example");
    expect(calls).toEqual(["new", "new", "x", "x"]);
    expect(cache.size).toBe(2);
  });

  it("keeps at most maxEntries logins, forgetting the oldest first", async () => {
    const { calls, verify } = counted((u) => u);
    const cache = new LoginCache(verify, { ttlMs: 60_000, maxEntries: 2, now: () => 0 });
    for (const user of ["a", "b", "c"]) await cache.authenticate(user, "p");
    expect(cache.size).toBe(2);
    await cache.authenticate("c", "p");
    await cache.authenticate("b", "p");
    expect(calls).toEqual(["a/p", "b/p", "c/p"]);
    await cache.authenticate("a", "p"); // forgotten: asked again
    expect(calls).toEqual(["a/p", "b/p", "c/p", "a/p"]);
    expect(cache.size).toBe(2);
  });

  it("drops expired logins when remembering a new one", async () => {
    let now = 0;
    const { verify } = counted((u) => u);
    const cache = new LoginCache(verify, { ttlMs: 100, maxEntries: 10, now: () => now });
    await cache.authenticate("a", "p");
    await cache.authenticate("b", "p");
    now = 150;
    await cache.authenticate("c", "p");
    expect(cache.size).toBe(1);
  });

  it("tells user and password apart however they split", async () => {
    const { calls, verify } = counted((u, p) => (u === "a" && p === "b:c" ? "a" : null));
    const cache = new LoginCache(verify, { ttlMs: 60_000, maxEntries: 10, now: () => 0 });
    expect(await cache.authenticate("a", "b:c")).toBe("a");
    expect(await cache.authenticate("a:b", "c")).toBeNull();
    expect(await cache.authenticate("a\0b", "c")).toBeNull();
    expect(calls).toHaveLength(3);
  });

  it("asks every time when turned off", async () => {
    const { calls, verify } = counted((u) => u);
    const cache = new LoginCache(verify, { ttlMs: 0, maxEntries: 10 });
    await cache.authenticate("a", "p");
    await cache.authenticate("a", "p");
    expect(calls).toHaveLength(2);
    expect(cache.size).toBe(0);
  });
});
