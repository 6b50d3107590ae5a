/** The few plain-SQL operations the migration runner needs, on either database. */
export interface SqlRunner {
  query(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a script of several statements (no parameters). */
  exec(text: string): Promise<void>;
}
