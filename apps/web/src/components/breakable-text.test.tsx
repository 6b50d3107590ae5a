// @vitest-environment jsdom
import type { MessageSummary } from "@scripts-email/contracts";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MessagesList } from "../features/scripts-email/components/messages-list.tsx";
import { ScriptName } from "../features/scripts-email/components/script-name.tsx";
import { mockFetch, renderWithProviders } from "../testing/render.tsx";
import { BreakableText } from "./breakable-text.tsx";

/** The text with each line-break opportunity (<wbr>) shown as "|". */
const breaks = (element: Element) =>
  [...element.childNodes]
    .map((node) => (node.nodeName === "WBR" ? "|" : (node.textContent ?? "")))
    .join("");

describe("addresses and paths that never break mid-word", () => {
  it("may break only after @, dots and slashes", () => {
    const { container } = render(<BreakableText text="victim4@targets.test" />);
    const span = container.querySelector(".breakable");
    expect(span?.textContent).toBe("victim4@targets.test");
    expect(breaks(span!)).toBe("victim4@|targets.|test");
  });

  it("keeps a list's spaces and a path's slashes as the places to break", () => {
    const { container } = render(<BreakableText text="a@x.org, b@y.org" />);
    expect(breaks(container.querySelector(".breakable")!)).toBe("a@|x.|org, b@|y.|org");
  });

  it("breaks a script path after its slashes", () => {
    renderWithProviders(<ScriptName script="wp-content/plugins/hack.php" />);
    const code = screen.getByText("wp-content/plugins/hack.php", { selector: ".breakable" });
    expect(code.closest("code")).toBeTruthy();
    expect(breaks(code)).toBe("wp-content/|plugins/|hack.|php");
  });

  it("shows the held and queued table's addresses so, and a subject on two lines with its title", async () => {
    const subject = "A very long subject ".repeat(10).trim();
    const message: MessageSummary = {
      id: "0190a0b0-0000-7000-8000-000000000001",
      acceptedAt: "2025-01-10T10:00:00.000Z",
      from: "www@example.org",
      to: ["victim4@targets.test"],
      subject,
      size: 192,
      status: "held",
      script: "contact.php",
      spam: false,
      attempts: 0,
      expiresAt: "2025-01-13T10:00:00.000Z",
      nextAttemptAt: null,
    };
    mockFetch({
      "GET /api/hostings/example.org/email/messages": {
        body: { items: [message], nextCursor: null },
      },
    });
    renderWithProviders(<MessagesList serviceName="example.org" />);
    const to = await screen.findByText("victim4@targets.test", { selector: ".breakable" });
    expect(breaks(to)).toBe("victim4@|targets.|test");
    const open = screen.getByRole("button", { name: subject });
    expect(open.getAttribute("title")).toBe(subject);
    expect(open.classList.contains("clamp-2")).toBe(true);
    expect(screen.getByText("192 B", { normalizer: (s) => s.replace(/\s/g, " ") })).toBeTruthy();
  });
});
