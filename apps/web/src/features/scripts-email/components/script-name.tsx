import { BreakableText } from "../../../components/breakable-text.tsx";
import { useI18n } from "../../../lib/i18n.tsx";

const SUBMISSION_KINDS = ["smtp", "sendmail", "panel", "system"] as const;
type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

function isSubmissionKind(script: string): script is SubmissionKind {
  return (SUBMISSION_KINDS as readonly string[]).includes(script);
}

/**
 * A message's script: the PHP file that sent it (X-PHP-Originating-Script, without its uid), or,
 * for mail without one, how it was submitted, in words.
 */
export function ScriptName(props: { script: string }) {
  const { t } = useI18n();
  const { script } = props;
  if (!script) return <span className="muted">—</span>;
  if (isSubmissionKind(script)) {
    return <span className="muted">{t(`web.message.source.${script}`)}</span>;
  }
  return (
    <code>
      <BreakableText text={script} />
    </code>
  );
}
