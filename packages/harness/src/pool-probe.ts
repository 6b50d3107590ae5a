import type { Database } from "@scripts-email/db";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many of the pool's `size` connections can be held at once right now. After a database
 * restart this should be all of them again: fewer means connections leaked (checked out and
 * never given back), and a process that leaks its whole pool waits forever on every query.
 */
export async function usablePoolConnections(
  db: Database,
  size: number,
  waitMs = 1_500,
): Promise<number> {
  let held = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sessions = Array.from({ length: size }, () =>
    db
      .withSql(async (sql) => {
        await sql.query("SELECT 1");
        held++;
        await gate;
      })
      .catch(() => undefined),
  );
  const deadline = Date.now() + waitMs;
  while (held < size && Date.now() < deadline) await sleep(20);
  const usable = held;
  release();
  // Sessions still queued for a leaked slot would wait forever: do not wait for them.
  await Promise.race([Promise.all(sessions), sleep(500)]);
  return usable;
}

/**
 * Waits for `work` to settle, but at most `ms`: true when it did. For clean-ups that a fault can
 * wedge (a pool with leaked connections never finishes closing).
 */
export async function settleWithin(work: Promise<unknown>, ms = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
