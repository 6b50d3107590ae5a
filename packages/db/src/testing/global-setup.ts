import { ensureTemplate } from "./test-db.ts";

// Builds the migrated template once per run; each test file then clones it.
export default async function setup(): Promise<void> {
  await ensureTemplate();
}
