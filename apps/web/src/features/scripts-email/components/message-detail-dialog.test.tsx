// @vitest-environment jsdom
import type { MessageBody, MessageDetail } from "@scripts-email/contracts";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { customer, support } from "../../../testing/fixtures.ts";
import { errorResponse, mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { MessageDetailDialog } from "./message-detail-dialog.tsx";

const id = "0190a0b0-0000-7000-8000-00000000000a";
const base = `/api/hostings/example.org/email/messages/${id}`;

function detail(overrides: Partial<MessageDetail> = {}): MessageDetail {
  return {
    id,
    acceptedAt: "2025-01-10T10:00:00.000Z",
    from: "www@example.org",
    to: ["victim@example.net"],
    subject: "You won",
    size: 2048,
    status: "held",
    attempts: [],
    expiresAt: "2025-01-13T10:00:00.000Z",
    nextAttemptAt: null,
    script: "wp-content/plugins/form/send.php",
    spam: true,
    messageId: "<spam@example.org>",
    source: "sendmail",
    originatingScript: "33:wp-content/plugins/form/send.php",
    sentAt: null,
    headers: [{ name: "Subject", value: "You won" }],
    recipients: [
      {
        address: "victim@example.net",
        delivered: false,
        outcome: "held",
        code: null,
        reply: null,
        at: null,
        nextAttemptAt: null,
      },
    ],
    spamCheck: {
      scannedAt: "2025-01-10T10:00:01.000Z",
      score: 1012.5,
      action: "reject",
      symbols: [
        { name: "GTUBE", score: 1000, description: "Generic unsolicited bulk email test" },
        { name: "MIME_HTML_ONLY", score: 0.2, description: null },
      ],
    },
    ...overrides,
  };
}

const BODY: MessageBody = {
  text: "Claim your prize",
  html: '<p>Claim your <b>prize</b></p><script>window.parent.pwned = 1</script><img src="x" onerror="window.parent.pwned = 2">',
  attachments: [
    { filename: "invoice.pdf.exe", contentType: "application/octet-stream", size: 4096 },
  ],
};

function open(
  options: { me?: typeof customer; detail?: MessageDetail; locale?: "en" | "pt" | "fr" } = {},
) {
  const mock = mockFetch({
    "GET /api/session": { body: { user: options.me ?? customer } },
    [`GET ${base}`]: { body: options.detail ?? detail() },
    [`GET ${base}/body`]: { body: BODY },
  });
  renderWithProviders(
    <MessageDetailDialog serviceName="example.org" id={id} onClose={() => {}} />,
    {
      ...(options.locale ? { locale: options.locale } : {}),
    },
  );
  return mock;
}

/** Two recipients: one delivered, one refused with 550; a third deferred, retried later. */
const TRACED = detail({
  status: "queued",
  spam: false,
  spamCheck: null,
  to: ["ok@dest.test", "gone@dest.test", "busy@dest.test"],
  expiresAt: "2025-01-15T10:00:00.000Z",
  nextAttemptAt: "2025-01-10T10:20:00.000Z",
  recipients: [
    {
      address: "ok@dest.test",
      delivered: true,
      outcome: "delivered",
      code: 250,
      reply: "2.0.0 Ok: queued as 4F2",
      at: "2025-01-10T10:01:00.000Z",
      nextAttemptAt: null,
    },
    {
      address: "gone@dest.test",
      delivered: false,
      outcome: "failed",
      code: 550,
      reply: "5.1.1 User unknown",
      at: "2025-01-10T10:01:00.000Z",
      nextAttemptAt: null,
    },
    {
      address: "busy@dest.test",
      delivered: false,
      outcome: "deferred",
      code: 451,
      reply: "4.3.0 Try again later",
      at: "2025-01-10T10:05:00.000Z",
      nextAttemptAt: "2025-01-10T10:20:00.000Z",
    },
  ],
  attempts: [
    {
      at: "2025-01-10T10:01:00.000Z",
      recipient: "ok@dest.test",
      outcome: "delivered",
      code: 250,
      text: "2.0.0 Ok: queued as 4F2",
    },
    {
      at: "2025-01-10T10:01:00.000Z",
      recipient: "gone@dest.test",
      outcome: "failed",
      code: 550,
      text: "5.1.1 User unknown",
    },
    {
      at: "2025-01-10T10:01:00.000Z",
      recipient: "busy@dest.test",
      outcome: "deferred",
      code: 451,
      text: "4.3.0 Try again later",
    },
    {
      at: "2025-01-10T10:05:00.000Z",
      recipient: "busy@dest.test",
      outcome: "deferred",
      code: 451,
      text: "4.3.0 Try again later",
    },
  ],
});

function recipientBlock(dialog: HTMLElement, address: string): HTMLElement {
  const item = [...dialog.querySelectorAll<HTMLElement>(".trace-recipient")].find((li) =>
    li.querySelector(".trace-head")?.textContent?.includes(address),
  );
  if (!item) throw new Error(`no trace for ${address}`);
  return item;
}

const bodyCalls = (calls: { url: string }[]) => calls.filter((c) => c.url.includes("/body"));

describe("message detail: the delivery trace", () => {
  it("gives each recipient its own outcome: the refused one is failed, not waiting", async () => {
    open({ detail: TRACED });
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    await within(dialog).findByText("ok@dest.test");
    expect(
      within(dialog).getByRole("region", { name: "Delivery, recipient by recipient" }),
    ).toBeTruthy();

    const gone = recipientBlock(dialog, "gone@dest.test");
    expect(within(gone).getByText("failed", { selector: ".trace-head .status" })).toBeTruthy();
    expect(gone.textContent).toMatch(/Refused for good on .*: not tried again\./);
    expect(gone.textContent).not.toMatch(/waiting|not delivered yet/i);
    // the relay's reply, its code once
    const attempts = within(gone).getByRole("list", { name: "Attempts of gone@dest.test" });
    expect(attempts.textContent).toContain("550 5.1.1 User unknown");
    expect(dialog.textContent).not.toContain("550 550");

    const ok = recipientBlock(dialog, "ok@dest.test");
    expect(within(ok).getByText("delivered", { selector: ".trace-head .status" })).toBeTruthy();

    // deferred: each attempt in order, the next retry and until when it is tried
    const busy = recipientBlock(dialog, "busy@dest.test");
    expect(within(busy).getByText("deferred", { selector: ".trace-head .status" })).toBeTruthy();
    expect(
      within(within(busy).getByRole("list", { name: "Attempts of busy@dest.test" })).getAllByRole(
        "listitem",
      ),
    ).toHaveLength(2);
    expect(busy.textContent).toMatch(/next attempt on .*, tried again until /);

    // queued mail shows its delivery deadline, not a hold expiry
    expect(within(dialog).getByText("Retried until")).toBeTruthy();
    expect(within(dialog).queryByText("Time left")).toBeNull();
  });

  it("breaks the sender and each recipient only after @ and dots, never mid-word", async () => {
    open({ detail: TRACED });
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    await within(dialog).findByText("ok@dest.test");
    const from = within(dialog).getByText("www@example.org");
    expect(from.className).toBe("breakable");
    expect(from.closest(".break")).toBeTruthy(); // the rule of .breakable wins inside the row
    expect(from.innerHTML).toBe("www@<wbr>example.<wbr>org");
    const head = recipientBlock(dialog, "gone@dest.test").querySelector(".trace-head .breakable");
    expect(head?.innerHTML).toBe("gone@<wbr>dest.<wbr>test");
  });

  it("says it in Portuguese and French too", async () => {
    open({ detail: TRACED, locale: "pt" });
    let dialog = await screen.findByRole("dialog");
    await within(dialog).findByText("gone@dest.test");
    expect(recipientBlock(dialog, "gone@dest.test").textContent).toMatch(
      /falhada.*Recusada definitivamente em/,
    );
    expect(dialog.textContent).not.toMatch(/ainda não entregue/);
    cleanup();

    open({ detail: TRACED, locale: "fr" });
    dialog = await screen.findByRole("dialog");
    await within(dialog).findByText("gone@dest.test");
    expect(recipientBlock(dialog, "gone@dest.test").textContent).toMatch(
      /échec.*Refusé définitivement le/,
    );
    expect(recipientBlock(dialog, "busy@dest.test").textContent).toMatch(/différé/);
  });
});

describe("message detail", () => {
  it("shows the script, the spam badge and the scanner's verdict with its top rules", async () => {
    open();
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    expect(await within(dialog).findByText("wp-content/plugins/form/send.php")).toBeTruthy();
    expect(within(dialog).getAllByText("Spam").length).toBeGreaterThan(0);
    const check = within(dialog).getByRole("region", { name: "Spam check" });
    expect(within(check).getByText("1,012.5")).toBeTruthy();
    expect(within(check).getByText("reject")).toBeTruthy();
    const rules = within(check).getByRole("table", { name: "Rules that weighed most" });
    expect(within(rules).getByText("GTUBE")).toBeTruthy();
    expect(within(rules).getByText("Generic unsolicited bulk email test")).toBeTruthy();
    expect(within(rules).getByText("0.2")).toBeTruthy();
  });

  it("says when the message was not scanned, and names a submission kind in words", async () => {
    open({ detail: detail({ spam: false, spamCheck: null, script: "smtp" }) });
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    expect(
      await within(dialog).findByText(
        "Not scanned: spam checking was off or unavailable for this message.",
      ),
    ).toBeTruthy();
    expect(within(dialog).getByText("SMTP")).toBeTruthy();
    expect(within(dialog).queryByText("Spam")).toBeNull();
  });

  it("lets a customer read their own message: text, HTML as text or as a sandboxed page", async () => {
    const { calls } = open();
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    expect(bodyCalls(calls)).toEqual([]);
    await userEvent.click(await within(dialog).findByRole("button", { name: "Show content" }));
    const content = within(dialog).getByRole("region", { name: "Content" });
    expect(await within(content).findByRole("heading", { name: "Text part" })).toBeTruthy();
    expect(bodyCalls(calls).map((c) => c.url)).toEqual([`${base}/body`]);
    expect(within(content).getByText(/invoice\.pdf\.exe/)).toBeTruthy();
    expect(within(content).getByText(/application\/octet-stream/)).toBeTruthy();

    // as text (the default): the words only, none of the message's markup in the panel
    const asText = within(content).getByRole("button", { name: "As text" });
    expect(asText.getAttribute("aria-pressed")).toBe("true");
    expect(content.querySelector("script, img, b")).toBeNull();
    expect(within(content).getAllByText("Claim your prize")).toHaveLength(2);

    await userEvent.click(within(content).getByRole("button", { name: "As page" }));
    const frame = within(content).getByTitle(/shown without its scripts/) as HTMLIFrameElement;
    expect(frame.tagName).toBe("IFRAME");
    expect(frame.getAttribute("sandbox")).toBe("");
    const srcdoc = frame.getAttribute("srcdoc") ?? "";
    expect(srcdoc).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:`,
    );
    expect(srcdoc).toContain("<b>prize</b>");
    // the message's markup lives only inside the frame's document, and none of its code ran
    expect(document.body.querySelector("script, img")).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it("asks support for a reason first, and sends it with the request", async () => {
    const { calls } = open({ me: support });
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    await userEvent.click(await within(dialog).findByRole("button", { name: "Show content" }));
    const reason = within(dialog).getByLabelText("Reason for reading this message");
    expect(reason.getAttribute("aria-required")).toBe("true");
    expect(document.activeElement).toBe(reason);

    await userEvent.click(within(dialog).getByRole("button", { name: "Show content" }));
    expect(within(dialog).getByText("Give a reason to read this message.")).toBeTruthy();
    expect(bodyCalls(calls)).toEqual([]);

    await userEvent.type(reason, "ticket 812: is this spam?");
    await userEvent.click(within(dialog).getByRole("button", { name: "Show content" }));
    expect(await within(dialog).findByRole("heading", { name: "HTML part" })).toBeTruthy();
    const call = bodyCalls(calls)[0];
    expect(new URL(call?.url ?? "", "http://localhost").searchParams.get("reason")).toBe(
      "ticket 812: is this spam?",
    );
    expect(bodyCalls(calls)).toHaveLength(1);
  });

  it("says so when the content is no longer kept", async () => {
    mockFetch({
      "GET /api/session": { body: { user: customer } },
      [`GET ${base}`]: { body: detail() },
      [`GET ${base}/body`]: errorResponse(
        404,
        "not_found",
        "The content of this message is no longer kept.",
      ),
    });
    renderWithProviders(
      <MessageDetailDialog serviceName="example.org" id={id} onClose={() => {}} />,
    );
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    await userEvent.click(await within(dialog).findByRole("button", { name: "Show content" }));
    await waitFor(() =>
      expect(within(dialog).getByRole("alert").textContent).toBe(
        "The content of this message is no longer kept.",
      ),
    );
  });

  it("offers nothing to show once the content was removed or purged", async () => {
    const { calls } = open({ detail: detail({ status: "purged", headers: null }) });
    const dialog = await screen.findByRole("dialog", { name: "Message details" });
    const content = await within(dialog).findByRole("region", { name: "Content" });
    expect(within(content).getByText("The content of this message was removed.")).toBeTruthy();
    expect(within(content).queryByRole("button", { name: "Show content" })).toBeNull();
    expect(bodyCalls(calls)).toEqual([]);
  });
});
