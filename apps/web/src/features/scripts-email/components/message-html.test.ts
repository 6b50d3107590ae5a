// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { FRAME_CSP, framedHtml, htmlAsText } from "./message-html.ts";

const SPAM = [
  "<html><head><title>Win</title><style>p { color: red }</style>",
  '<meta http-equiv="refresh" content="0; url=https://tracker.example/landing">',
  '<base href="https://tracker.example/"></head>',
  "<body><h1>You won</h1><p>Claim your <b>prize</b>&nbsp;now</p>",
  "<script>window.parent.stolen = document.cookie</script>",
  '<p>Visit <a href="https://tracker.example/c?id=1">our site</a></p>',
  '<img src="https://tracker.example/pixel.gif"><br>Bye &lt;3</body></html>',
].join("");

describe("htmlAsText", () => {
  it("keeps the words, one block to a line, never scripts, styles or markup", () => {
    expect(htmlAsText(SPAM)).toBe(
      "You won\nClaim your prize now\nVisit our site <https://tracker.example/c?id=1>\n\nBye <3",
    );
  });

  it("reads markup-looking text as text", () => {
    expect(htmlAsText("&lt;script&gt;alert(1)&lt;/script&gt;")).toBe("<script>alert(1)</script>");
  });
});

describe("framedHtml", () => {
  const framed = new DOMParser().parseFromString(framedHtml(SPAM), "text/html");

  it("puts the policy first in the head: nothing remote loads, only inline styles and data: images", () => {
    const policy = framed.head.querySelector('meta[http-equiv="Content-Security-Policy"]');
    expect(policy?.getAttribute("content")).toBe(FRAME_CSP);
    expect(FRAME_CSP).toContain("default-src 'none'");
    expect(FRAME_CSP).toContain("style-src 'unsafe-inline'");
    expect(FRAME_CSP).toContain("img-src data:");
    expect(framed.head.querySelectorAll("meta")[1]).toBe(policy);
  });

  it("takes out refreshes, base addresses and link targets (shown as titles)", () => {
    expect(framed.querySelector('meta[http-equiv="refresh"]')).toBeNull();
    expect(framed.querySelector("base")).toBeNull();
    const link = framed.querySelector("a");
    expect(link?.hasAttribute("href")).toBe(false);
    expect(link?.getAttribute("title")).toBe("https://tracker.example/c?id=1");
    expect(framed.body.textContent).toContain("Claim your prize");
  });
});
