import type { WebhookSender } from "@scripts-email/domain";

/**
 * Posts an alert as JSON with a time limit. Anything but a 2xx answer is a failure (the alert
 * service retries it later); redirects are not followed, so the URL that was checked is the one
 * that gets the data.
 */
export const postWebhook: WebhookSender = async (url, payload, timeoutMs) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Scripts-email alerts" },
    body: JSON.stringify(payload),
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`answered HTTP ${response.status}`);
  }
};
