// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../../../testing/render.tsx";
import { MessageSpamCheck } from "./message-spam-check.tsx";

describe("spam verdict", () => {
  it("sets the held-as-spam notice apart from the Score row below it", () => {
    renderWithProviders(
      <MessageSpamCheck
        message={{
          spam: true,
          spamCheck: {
            scannedAt: "2025-01-10T10:00:01.000Z",
            score: 1012.5,
            action: "reject",
            symbols: [],
          },
        }}
      />,
    );
    const notice = screen.getByText(/./, { selector: ".alert" });
    // .spam-notice gives it its bottom margin (styles.css): the Score row no longer touches it
    expect(notice.classList.contains("spam-notice")).toBe(true);
    const score = screen.getByText("Score").closest("dl");
    expect(notice.nextElementSibling).toBe(score);
  });
});
