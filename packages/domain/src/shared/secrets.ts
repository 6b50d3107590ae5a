import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** A random, URL-safe secret of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Tokens are long and random, so a fast hash is enough to store them. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** argon2id (the library's default algorithm) with its recommended parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies `password` against `hashed`; with no hash it verifies against a throw-away one so that
 * an unknown account takes as long to refuse as a wrong password.
 */
export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    dummyHash ??= hash(randomToken(16));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(hashed, password).catch(() => false);
}

const TOKEN_HASH = /^[0-9a-f]{64}$/;

/**
 * Checks a secret the product generated itself (an SMTP password: 192 random bits) against its
 * stored SHA-256, in constant time. Such a secret cannot be guessed, so the slow hash that
 * protects people's passwords would only cost every SMTP session ~20 ms of CPU. Hashes stored
 * with argon2 by earlier versions are still accepted.
 */
export async function verifyGeneratedSecret(
  stored: string | null,
  secret: string,
): Promise<boolean> {
  if (stored && TOKEN_HASH.test(stored)) {
    return timingSafeEqual(Buffer.from(stored, "hex"), Buffer.from(sha256(secret), "hex"));
  }
  return verifyPassword(stored, secret);
}
