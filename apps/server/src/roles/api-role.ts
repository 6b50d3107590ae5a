import { existsSync } from "node:fs";
import path from "node:path";
import { buildApp } from "@scripts-email/api";
import { DEFAULT_SENDING_HOST } from "@scripts-email/domain";
import type { RoleContext, RunningRole } from "./role.ts";
import { DEFAULT_LOGIN_CACHE } from "./smtp-login-cache.ts";

/** The SPA that `pnpm --filter @scripts-email/web build` produces, served when it exists. */
export const WEB_DIST = path.resolve(import.meta.dirname, "../../../web/dist");

export function builtSpaDir(dir = WEB_DIST): string | undefined {
  return existsSync(path.join(dir, "index.html")) ? dir : undefined;
}

export async function startApiRole({
  config,
  services,
  log,
  metrics,
}: RoleContext): Promise<RunningRole> {
  const staticDir = builtSpaDir();
  if (!staticDir) log.info(`no built panel in ${WEB_DIST}; serving the API only`);
  const app = await buildApp({
    services,
    config: {
      cookieSecure: config.cookieSecure,
      ...(config.trustProxy.length > 0 ? { trustProxy: config.trustProxy } : {}),
      metricsRegistry: metrics,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      deliveryMode: config.smtpRelayUrl ? "relay" : "capture",
      // the sending settings point at this installation's SMTP listener, as a site here reaches it
      sending: {
        host: DEFAULT_SENDING_HOST,
        port: config.smtpPort,
        loginCacheSeconds: Math.ceil(DEFAULT_LOGIN_CACHE.ttlMs / 1000),
      },
      // requests are logged by this role's logger, each with its `reqId`
      loggerInstance: log,
      ...(staticDir ? { staticDir } : {}),
    },
  });
  await app.listen({ port: config.port, host: config.host });
  return {
    name: "api",
    async stop() {
      await app.close();
      // a release or delete job this process started finishes its run before the database
      // closes, as the scheduler's jobs do
      await services.selection.idle();
    },
  };
}
