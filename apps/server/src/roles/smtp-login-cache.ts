import { hash, randomBytes } from "node:crypto";

export interface LoginCacheOptions {
  /** How long a successful login is trusted without asking the database again; 0 turns it off. */
  ttlMs: number;
  /** Most logins remembered at once; past it the oldest is forgotten first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * A few seconds: every PHP `mail()` is a new SMTP session with the same AUTH, so a busy site
 * logs in many times a second, while a changed password, a deleted or renamed hosting is
 * refused again at most this long after the change. The login carries the hosting's sender
 * domains too, so support's changes to them apply within the same delay.
 */
export const DEFAULT_LOGIN_CACHE: LoginCacheOptions = { ttlMs: 5_000, maxEntries: 10_000 };

type Verify<T> = (user: string, password: string) => Promise<T | null>;

/**
 * Remembers successful SMTP logins (service name + password → the hosting they open) for
 * `ttlMs`, in this process only, so that a connection per message does not cost a database
 * lookup per message. Only successes are kept: a refused login or a failed lookup always asks
 * the database again. Passwords are not kept: the key is a SHA-256 of a random secret of this
 * process, the user and the password, so it is not the stored hash and is useless outside it.
 * Nothing is shared between processes; each one re-checks the database at least every `ttlMs`.
 */
export class LoginCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly secret = randomBytes(32).toString("base64");
  private readonly now: () => number;

  constructor(
    private readonly verify: Verify<T>,
    private readonly options: LoginCacheOptions = DEFAULT_LOGIN_CACHE,
  ) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async authenticate(user: string, password: string): Promise<T | null> {
    if (this.options.ttlMs <= 0 || this.options.maxEntries <= 0) {
      return this.verify(user, password);
    }
    // the user's length makes the join unambiguous (AUTH LOGIN lets a user name hold a NUL)
    const key = hash("sha256", `${this.secret}:${user.length}:${user}:${password}`, "base64");
    const hit = this.entries.get(key);
    if (hit) {
      if (hit.expiresAt > this.now()) return hit.value;
      this.entries.delete(key);
    }
    const value = await this.verify(user, password);
    if (value !== null) this.remember(key, value);
    return value;
  }

  private remember(key: string, value: T): void {
    const now = this.now();
    this.entries.delete(key); // re-inserted last: the map stays in order of expiry
    for (const [oldest, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: now + this.options.ttlMs });
  }
}
