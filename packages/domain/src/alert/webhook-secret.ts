import { randomBytes } from "node:crypto";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

/**
 * The key a hosting's receiver checks alert webhooks with (HMAC-SHA256, see docs/webhooks.md).
 * It is stored as it is, since signing needs it, and shown only in the answer that made it.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export class WebhookSecretRepository extends BaseRepository {
  async hasSecret(hostingId: string, tx?: Tx): Promise<boolean> {
    const row = await this.client(tx).hosting.findUnique({
      where: { id: hostingId },
      select: { alertWebhookSecret: true },
    });
    return row?.alertWebhookSecret != null;
  }

  async setSecret(hostingId: string, secret: string | null, tx?: Tx): Promise<void> {
    await this.client(tx).hosting.update({
      where: { id: hostingId },
      data: { alertWebhookSecret: secret },
    });
  }
}
