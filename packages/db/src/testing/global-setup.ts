import { ensureEmbeddedTemplate } from "./embedded-template.ts";
import { ensureTemplate } from "./test-db.ts";

// Builds the migrated PostgreSQL template and the new embedded (PGlite) folder once per run, side
// by side; each test file then clones the one it needs.
export default async function setup(): Promise<void> {
  await Promise.all([ensureTemplate(), ensureEmbeddedTemplate()]);
}
