// Child: the API alone (as the api role builds it: logger at warn, own metrics) on DATABASE_URL.
import { openDatabase } from "@scripts-email/db";
import { createServices } from "@scripts-email/domain";
import { buildApp } from "../src/app.ts";

const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL ?? "",
  dataDir: "",
  poolSize: 10,
});
const services = createServices({ db });
const app = await buildApp({
  services,
  config: { cookieSecure: false, logger: { level: "warn" } },
});
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
process.on("message", async (m: string) => {
  if (m === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (m === "stop") {
    await app.close();
    await db.close();
    process.exit(0);
  }
});
