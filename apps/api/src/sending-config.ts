import {
  DEFAULT_SENDING_HOST,
  DEFAULT_SENDING_PORT,
  SENDMAIL_BIN,
  type SendingEndpoint,
} from "@scripts-email/domain";
import type { ApiConfig } from "./types.ts";

/** The SMTP login cache's default lifetime (apps/server's DEFAULT_LOGIN_CACHE), in seconds. */
const DEFAULT_LOGIN_CACHE_SECONDS = 5;

/** Where the settings shown to customers point, with defaults for a single-machine install. */
export function sendingConfigOf(config: ApiConfig): {
  endpoint: SendingEndpoint;
  loginCacheSeconds: number;
} {
  return {
    endpoint: {
      host: config.sending?.host ?? DEFAULT_SENDING_HOST,
      port: config.sending?.port ?? DEFAULT_SENDING_PORT,
      sendmailBin: SENDMAIL_BIN,
    },
    loginCacheSeconds: config.sending?.loginCacheSeconds ?? DEFAULT_LOGIN_CACHE_SECONDS,
  };
}
