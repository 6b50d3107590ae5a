// CPU per request of the hosting page's calls: a test database with a few thousand messages, the
// API in a child process, N requests at 10 concurrent, the child's process.cpuUsage() around them.
// Run: node --import tsx apps/api/scripts/cpu-per-request.ts [N]   (PROF=dir: --cpu-prof the API)
import { fork } from "node:child_process";
import { createTestDatabase } from "@scripts-email/db/testing";
import { createServices, recountOutcomes } from "@scripts-email/domain";

const N = Number(process.argv[2] ?? 2000);
const db = await createTestDatabase({ poolSize: 5 });
try {
  const services = createServices({ db });
  const owner = await services.users.create({
    email: "owner@perf.example",
    password: "correct horse battery",
    role: "customer",
  });
  const hosting = await db.prisma.hosting.upsert({
    where: { serviceName: "site.perf.example" },
    update: {},
    create: {
      serviceName: "site.perf.example",
      ownerId: owner.id,
      reportRecipient: "r@perf.example",
    },
  });
  const h = hosting.id;
  await db.sql.query(
    `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
       "expiresAt", "acceptedAt", source)
     SELECT gen_random_uuid(), $1::uuid, 'www@perf.example', ARRAY['to' || i || '@x.example'],
            'subject ' || i, 1000 + i,
            (CASE WHEN i % 3 = 0 THEN 'held' WHEN i % 3 = 1 THEN 'sent' ELSE 'queued' END)::"MessageStatus",
            now() + interval '72 hours', now() - i * interval '1 second', 'sendmail'
       FROM generate_series(1, 5000) i`,
    [h],
  );
  await db.sql.query(
    `INSERT INTO "DeliveryEvent" (id, "messageId", "hostingId", recipient, at, outcome, "smtpCode", text)
     SELECT gen_random_uuid(), m.id, m."hostingId", m.recipients[1], m."acceptedAt", 'failed', 550,
            '5.1.1 user unknown' FROM "Message" m WHERE m.status = 'sent' LIMIT 500`,
  );
  // written straight, not by a delivery round: the per-minute outcomes are rebuilt from them
  await recountOutcomes(db.sql);
  await db.sql.query(
    `INSERT INTO "DailyVolume" ("hostingId", day, accepted, sent, errors)
     SELECT $1::uuid, current_date - i, 100 + i, 90 + i, i FROM generate_series(0, 40) i`,
    [h],
  );
  await db.sql.query(
    `INSERT INTO "StateChange" (id, "hostingId", "from", "to", at, "actorId", "actorRole", reason)
     SELECT gen_random_uuid(), $1::uuid,
            (CASE WHEN i % 2 = 0 THEN 'active' ELSE 'blocked' END)::"HostingState",
            (CASE WHEN i % 2 = 0 THEN 'blocked' ELSE 'active' END)::"HostingState",
            now() - i * interval '1 hour', $2::uuid, 'customer', NULL
       FROM generate_series(1, 30) i`,
    [h, owner.id],
  );
  const token = (
    await services.auth.createApiToken(
      { kind: "user", userId: owner.id, email: owner.email, role: "customer", locale: "en" },
      "perf",
    )
  ).token;
  const login = await services.auth.login(owner.email, "correct horse battery");

  const child = fork(new URL("./cpu-per-request-server.ts", import.meta.url).pathname, [], {
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROF}`] : []),
    ],
    env: { ...process.env, DATABASE_URL: db.url },
  });
  const ask = <T>(m: string, key: string) =>
    new Promise<T>((resolve) => {
      const on = (msg: Record<string, unknown>) => {
        if (key in msg) {
          child.off("message", on);
          resolve(msg[key] as T);
        }
      };
      child.on("message", on);
      if (m) child.send(m);
    });
  const port = await ask<number>("", "port");
  const base = `http://127.0.0.1:${port}/api/hostings/site.perf.example/email`;
  const calls: Array<[string, string]> = [
    ["status", base],
    ["held", `${base}/messages?status=held`],
    ["errors", `${base}/errors`],
    ["volumes", `${base}/volumes?days=30`],
    ["history", `${base}/history`],
    // for comparison: authentication alone (one statement)
    ["me", `http://127.0.0.1:${port}/api/me`],
  ];
  const auths: Array<[string, Record<string, string>]> = [
    ["bearer", { authorization: `Bearer ${token}` }],
    ["cookie", { cookie: `se_session=${login.sessionToken}` }],
  ];
  async function fire(url: string, headers: Record<string, string>, n: number) {
    let next = 0;
    const lat: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < n) {
          const t = performance.now();
          const r = await fetch(url, { headers });
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
          lat.push(performance.now() - t);
        }
      }),
    );
    lat.sort((a, b) => a - b);
    return {
      p50: lat[Math.floor(lat.length / 2)] ?? 0,
      p99: lat[Math.floor(lat.length * 0.99)] ?? 0,
    };
  }
  // the JIT warms up on every call first: the first call measured would pay for it otherwise
  for (const [, headers] of auths) for (const [, url] of calls) await fire(url, headers, 500);
  for (const [authName, headers] of auths) {
    for (const [name, url] of calls) {
      await fire(url, headers, 100);
      const before = await ask<NodeJS.CpuUsage>("cpu", "cpu");
      const lat = await fire(url, headers, N);
      const after = await ask<NodeJS.CpuUsage>("cpu", "cpu");
      const us = after.user - before.user + after.system - before.system;
      console.log(
        `${authName.padEnd(6)} ${name.padEnd(8)} cpu/request ${(us / N / 1000).toFixed(3)} ms  ` +
          `(user ${((after.user - before.user) / N / 1000).toFixed(3)})  wall p50 ${lat.p50.toFixed(1)} p99 ${lat.p99.toFixed(1)}`,
      );
    }
  }
  child.send("stop");
  await new Promise((r) => child.once("exit", r));
} finally {
  await db.dispose();
}
