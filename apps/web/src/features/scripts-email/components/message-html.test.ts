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

  it("takes out every address an element would fetch, keeping data: images", () => {
    const doc = new DOMParser().parseFromString(
      framedHtml(
        [
          '<body background="https://t.example/bg.png"><img src="https://t.example/p.gif">',
          '<img srcset="https://t.example/2x.gif 2x"><img src="data:image/gif;base64,R0lGOD">',
          '<video poster="https://t.example/v.png"></video><form action="https://t.example/c">',
          '<button formaction="https://t.example/f">Go</button></form>',
          '<link rel="stylesheet" href="https://t.example/s.css"><object data="https://t.example/o">',
          '</object><a href="https://t.example/l" ping="https://t.example/ping">l</a></body>',
        ].join(""),
      ),
      "text/html",
    );
    expect(doc.documentElement.outerHTML).not.toContain("t.example/bg.png");
    expect(doc.documentElement.outerHTML).not.toContain("t.example/p.gif");
    expect(doc.documentElement.outerHTML).not.toContain("2x.gif");
    expect(doc.documentElement.outerHTML).not.toContain("v.png");
    expect(doc.documentElement.outerHTML).not.toContain("t.example/c");
    expect(doc.documentElement.outerHTML).not.toContain("t.example/f");
    expect(doc.documentElement.outerHTML).not.toContain("s.css");
    expect(doc.documentElement.outerHTML).not.toContain("t.example/o");
    expect(doc.documentElement.outerHTML).not.toContain("t.example/ping");
    expect(doc.querySelectorAll("img")[2]?.getAttribute("src")).toBe(
      "data:image/gif;base64,R0lGOD",
    );
    expect(doc.querySelector("form")).not.toBeNull();
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
