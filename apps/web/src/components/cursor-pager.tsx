import { useI18n } from "../lib/i18n.tsx";

/**
 * Previous / "Page N" / Next over keyset pages: `cursors` are the cursors of the pages before
 * this one (empty on the first), `nextCursor` the server's cursor of the next page, if any.
 */
export function CursorPager(props: {
  label: string;
  cursors: string[];
  nextCursor: string | null | undefined;
  /** While the shown page is the previous one's placeholder, Next waits. */
  busy?: boolean;
  onChange: (cursors: string[]) => void;
}) {
  const { t, formatNumber } = useI18n();
  const { cursors, nextCursor } = props;
  return (
    <nav className="pager" aria-label={props.label}>
      <button
        type="button"
        className="button button-small"
        disabled={cursors.length === 0}
        onClick={() => props.onChange(cursors.slice(0, -1))}
      >
        {t("web.messages.previous")}
      </button>
      <span className="muted">
        {t("web.messages.page", { page: formatNumber(cursors.length + 1) })}
      </span>
      <button
        type="button"
        className="button button-small"
        disabled={!nextCursor || props.busy}
        onClick={() => {
          if (nextCursor) props.onChange([...cursors, nextCursor]);
        }}
      >
        {t("web.messages.next")}
      </button>
    </nav>
  );
}
