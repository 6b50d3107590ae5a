/**
 * A relay's reply: its code, then its text. The API gives the text without its code (the
 * relay's reply starts with it), so the code reads once ("550 5.1.1 …", never "550 550 …").
 */
export function ServerReply(props: { code: number | null; text: string | null }) {
  const shown = [props.code, props.text].filter((x) => x !== null && x !== "").join(" ");
  return <span className="break">{shown || "—"}</span>;
}
