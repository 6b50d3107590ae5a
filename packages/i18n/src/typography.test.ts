import { describe, expect, it } from "vitest";
import fr from "./catalogue/fr.json" with { type: "json" };

describe("French typography", () => {
  it("writes every apostrophe curly (’), never straight (')", () => {
    const straight = Object.entries(fr)
      .filter(([, text]) => text.includes("'"))
      .map(([key]) => key);
    expect(straight).toEqual([]);
  });
});
