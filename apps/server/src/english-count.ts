const rules = new Intl.PluralRules("en");

/**
 * "1 message", "2 messages": counts in the operator's English output (CLI results, job log
 * lines), which are not translated; what users read goes through the i18n catalogue's plurals.
 */
export function englishCount(n: number, one: string, other: string): string {
  return `${n} ${rules.select(n) === "one" ? one : other}`;
}
