/** A symbol of the spam scanner's answer (rspamd's rule name, its weight, what it means). */
export interface SpamSymbol {
  name: string;
  score: number;
  description: string | null;
}

/** What the spam scanner said about a message (rspamd's `checkv2`). */
export interface SpamVerdict {
  score: number;
  /** rspamd's action: no action, greylist, add header, rewrite subject, soft reject, reject. */
  action: string;
  /** The symbols that weighed most, highest |score| first, at most 10. */
  symbols: SpamSymbol[];
}
