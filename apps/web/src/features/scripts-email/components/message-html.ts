// A message's HTML part is someone else's markup (often a spammer's): it never becomes the
// panel's own markup. It is parsed with DOMParser, whose documents are inert (no script runs,
// nothing loads), and either read as plain text or shown in a sandboxed frame.

/**
 * The frame's policy, in the frame's own document: nothing loads (no remote image, font, style
 * sheet or script, so opening a message tells its sender nothing), only inline styles and
 * data: images. The frame's `sandbox=""` already stops scripts, forms and navigation of the panel.
 */
export const FRAME_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'";

const HIDDEN = "script, style, noscript, template, head, title, iframe, object, embed";
const BLOCKS = "p, div, br, li, tr, h1, h2, h3, h4, h5, h6, table, blockquote, pre, hr, section";

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, "text/html");
}

/**
 * The words of an HTML part, one block to a line (its textContent, never its markup), each link
 * followed by where it goes: where a spam's links lead is often what tells it apart.
 */
export function htmlAsText(html: string): string {
  const doc = parse(html);
  for (const node of doc.querySelectorAll(HIDDEN)) node.remove();
  for (const link of doc.querySelectorAll("a[href]")) {
    const target = link.getAttribute("href")?.trim() ?? "";
    if (target && target !== link.textContent?.trim()) {
      link.after(doc.createTextNode(` <${target}>`));
    }
  }
  for (const block of doc.querySelectorAll(BLOCKS)) block.after(doc.createTextNode("\n"));
  const text = doc.body?.textContent ?? "";
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Attributes through which an element fetches something (an image, a poster, a form's target, a
 * ping). The frame's policy already forbids every fetch, but a browser may start one before it
 * applies a policy given in the document (Chromium 156 fetched a remote `<img>` of a srcdoc
 * frame): a tracking pixel must not depend on that order, so these go unless they are data: URLs.
 */
const FETCHING_ATTRIBUTES = [
  "src",
  "srcset",
  "background",
  "poster",
  "data",
  "action",
  "formaction",
  "ping",
  "lowsrc",
];

/** Elements that only fetch or embed other documents: nothing of them is shown. */
const FETCHING_ELEMENTS = "link, iframe, frame, object, embed, applet, portal";

/**
 * The document for the sandboxed frame's `srcdoc`: the message's HTML with the policy first in
 * its head. What could still leave the frame is taken out: refresh and base elements, every
 * address an element would fetch (but data: ones), and link targets (kept in the title, so the
 * reader sees where a link would go without following it).
 */
export function framedHtml(html: string): string {
  const doc = parse(html);
  for (const node of doc.querySelectorAll(`meta[http-equiv], base, ${FETCHING_ELEMENTS}`)) {
    node.remove();
  }
  for (const element of doc.querySelectorAll("*")) {
    for (const name of FETCHING_ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value !== null && !/^\s*data:/i.test(value)) element.removeAttribute(name);
    }
  }
  for (const link of doc.querySelectorAll("a[href], area[href]")) {
    link.setAttribute("title", link.getAttribute("href") ?? "");
    link.removeAttribute("href");
  }
  const policy = doc.createElement("meta");
  policy.setAttribute("http-equiv", "Content-Security-Policy");
  policy.setAttribute("content", FRAME_CSP);
  const charset = doc.createElement("meta");
  charset.setAttribute("charset", "utf-8");
  doc.head.prepend(charset, policy);
  return `<!doctype html>${doc.documentElement.outerHTML}`;
}
