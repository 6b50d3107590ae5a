import { Fragment } from "react";

/** After these, a line may break: an address splits as "victim4@" / "targets.test", a path after "/". */
const BREAK_AFTER = /(?<=[@./])/;

/**
 * An address, a list of them or a script path that breaks only after "@", "." and "/", never in
 * the middle of a word (CSS `.breakable`: the table column is as wide as the longest piece).
 */
export function BreakableText(props: { text: string; className?: string }) {
  const pieces = props.text.split(BREAK_AFTER);
  return (
    <span className={props.className ? `breakable ${props.className}` : "breakable"}>
      {pieces.map((piece, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one text, never reordered
        <Fragment key={i}>
          {piece}
          {i < pieces.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
