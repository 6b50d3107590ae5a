import { z } from "zod";

/** A mailbox address as accepted anywhere in the product: no display name, no line breaks. */
export const emailAddress = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "must be a valid e-mail address" }))
  .transform((s) => s.toLowerCase());

export const isoDateTime = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

export const serviceName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, {
    message: "must be a domain-like service name, e.g. example.org",
  });

/** One line of text, as typed into a search box or a name field: no control characters. */
export const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: "must be a single line of text" });

export const locale = z.enum(["en", "pt", "fr"]);
export type Locale = z.infer<typeof locale>;

export const userRole = z.enum(["customer", "support"]);
export type UserRole = z.infer<typeof userRole>;

export const actorRole = z.enum(["customer", "support", "system"]);
export type ActorRole = z.infer<typeof actorRole>;

export const serviceNameParams = z.object({ serviceName });
