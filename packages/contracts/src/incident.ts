import { z } from "zod";
import { actorRole, isoDateTime, serviceName, singleLine } from "./common.ts";
import { reason } from "./email.ts";

/** The per-script view: mail by the script that sent it, over the last 1, 7 or 30 days. */
export const scriptsQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .refine((d) => d === 1 || d === 7 || d === 30, { message: "must be 1, 7 or 30" })
    .default(7),
});
export type ScriptsQuery = z.infer<typeof scriptsQuery>;

export const scriptStats = z.object({
  /** X-PHP-Originating-Script without its uid, else the submission kind (smtp, sendmail…). */
  script: z.string(),
  accepted: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  /** Held now, not counting spam. */
  held: z.number().int(),
  /** Held as spam now. */
  spam: z.number().int(),
  /** Refused at submission (limit, sender domain, size…). */
  refused: z.number().int(),
});
export type ScriptStats = z.infer<typeof scriptStats>;

/** Sorted by volume (accepted + refused), largest first. */
export const scriptList = z.object({
  items: z.array(scriptStats),
  /** Scripts whose new mail is held while the rest of the site sends. */
  heldScripts: z.array(z.string()),
});
export type ScriptList = z.infer<typeof scriptList>;

export const scriptName = singleLine(255).pipe(z.string().min(1));
export const heldScriptRequest = z.object({
  script: scriptName,
  /** Required from support (audited). */
  reason: reason.optional(),
});
export type HeldScriptRequest = z.infer<typeof heldScriptRequest>;
/** The answer of holding or resuming a script: the hosting's held scripts now. */
export const heldScriptList = z.object({ heldScripts: z.array(z.string()) });
export type HeldScriptList = z.infer<typeof heldScriptList>;

/** Which mail a selection covers: `held` (not spam), `spam` (held as spam), `queued`. */
export const selectionStatus = z.enum(["held", "spam", "queued"]);
export type SelectionStatus = z.infer<typeof selectionStatus>;

/**
 * Every field given must match (AND); none given: all the hosting's held, spam and queued mail.
 * Mail being sent, sent or gone is never selected.
 */
export const selectionFilter = z
  .object({
    /** Single messages (at most 1,000). */
    ids: z.array(z.uuid()).min(1).max(1000).optional(),
    /**
     * One status or several; absent: held, spam and queued. Read as a list without repeats; a
     * codec rather than a transform, so that an answer holding a filter (a job) encodes too.
     */
    status: z
      .codec(
        z.union([selectionStatus, z.array(selectionStatus).min(1).max(3)]),
        z.array(selectionStatus),
        {
          decode: (s) => (Array.isArray(s) ? [...new Set(s)] : [s]),
          encode: (s) => s,
        },
      )
      .optional(),
    script: scriptName.optional(),
    /** The envelope sender, exactly (case-insensitive). */
    sender: singleLine(254).pipe(z.string().min(1)).optional(),
    /** A recipient address exactly, or `@domain` for every recipient at that domain. */
    recipient: singleLine(254).pipe(z.string().min(2)).optional(),
    /** Subject contains (case-insensitive). */
    subject: singleLine(200).pipe(z.string().min(1)).optional(),
    /** Accepted at or after. */
    from: isoDateTime.optional(),
    /** Accepted before. */
    to: isoDateTime.optional(),
  })
  .strict();
export type SelectionFilter = z.infer<typeof selectionFilter>;

export const selectionAction = z.enum(["count", "release", "delete"]);
export type SelectionAction = z.infer<typeof selectionAction>;

export const selectionRequest = z.object({
  filter: selectionFilter,
  action: selectionAction,
  /** Required from support for release and delete (audited). */
  reason: reason.optional(),
});
export type SelectionRequest = z.infer<typeof selectionRequest>;

/** `count`: how many messages the filter matches now. */
export const selectionCount = z.object({ matched: z.number().int() });
export type SelectionCount = z.infer<typeof selectionCount>;

/** `release` and `delete`: the job that does it in batches, and how many it will handle. */
export const selectionAccepted = z.object({ jobId: z.string(), matched: z.number().int() });
export type SelectionAccepted = z.infer<typeof selectionAccepted>;

export const jobParams = z.object({ serviceName, jobId: z.uuid() });

/** A release or delete job: who asked, what, and how far it is. */
export const selectionJob = z.object({
  id: z.string(),
  action: z.enum(["release", "delete"]),
  filter: selectionFilter,
  reason: z.string().nullable(),
  state: z.enum(["running", "finished", "failed"]),
  matched: z.number().int(),
  done: z.number().int(),
  actorRole,
  /** Null for support staff when a customer is asking. */
  actorEmail: z.string().nullable(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});
export type SelectionJob = z.infer<typeof selectionJob>;
export const selectionJobList = z.object({ items: z.array(selectionJob) });

/** Held mail (spam included) grouped by script, subject or recipient domain. */
export const heldGroupsQuery = z.object({
  by: z.enum(["script", "subject", "domain"]).default("script"),
});
export type HeldGroupsQuery = z.infer<typeof heldGroupsQuery>;

export const heldGroup = z.object({
  /** The script, the subject, or the recipient domain (without `@`). */
  key: z.string(),
  count: z.number().int(),
  /** Of which flagged as spam. */
  spam: z.number().int(),
});
/** Largest groups first, at most 100. */
export const heldGroupList = z.object({ items: z.array(heldGroup) });
export type HeldGroupList = z.infer<typeof heldGroupList>;
