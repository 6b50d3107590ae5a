import { describe, expect, it } from "vitest";
import { createI18n, type Locale } from "./i18n.tsx";

const size = (locale: Locale, bytes: number) =>
  createI18n(locale, () => {})
    .formatBytes(bytes)
    .replace(/\s/g, " ");

describe("sizes", () => {
  it("shows a small message in bytes, with a space before the unit", () => {
    expect(size("en", 192)).toBe("192 B");
    expect(size("pt", 192)).toBe("192 B");
    expect(size("fr", 192)).toBe("192 o");
    expect(size("en", 0)).toBe("0 B");
  });

  it("shows larger ones in kilobytes and megabytes, in the locale's number format", () => {
    expect(size("en", 1500)).toBe("1.5 kB");
    expect(size("fr", 1500)).toBe("1,5 ko");
    expect(size("en", 345_678)).toBe("345.7 kB");
    expect(size("pt", 2_300_000)).toBe("2,3 MB");
    expect(size("fr", 12_345_678)).toBe("12,3 Mo");
    // never "1,000 kB"
    expect(size("en", 999_990)).toBe("1 MB");
  });
});
