import { describe, expect, it } from "vitest";
import {
  applySenderDomainChanges,
  checkSenderAddress,
  domainOfAddress,
  isAllowedSenderDomain,
  normalizeSenderDomain,
} from "./sender-domains.ts";

describe("normalizeSenderDomain", () => {
  it("lower-cases, drops the final dot and converts international names to IDNA", () => {
    expect(normalizeSenderDomain(" Shop.Example.COM ")).toBe("shop.example.com");
    expect(normalizeSenderDomain("example.com.")).toBe("example.com");
    expect(normalizeSenderDomain("Exämple.org")).toBe("xn--exmple-cua.org");
    expect(normalizeSenderDomain("ça.fr")).toBe("xn--a-5fa.fr");
  });

  it.each([
    ["", "empty"],
    ["*.example.com", "wildcard"],
    ["ex*ample.com", "wildcard inside"],
    ["com", "one label"],
    ["localhost", "one label"],
    ["192.0.2.1", "IPv4"],
    ["127.1", "IPv4 shorthand"],
    ["0x7f000001", "IPv4 in hex"],
    ["[192.0.2.1]", "address literal"],
    ["::1", "IPv6"],
    ["[::1]", "IPv6 literal"],
    ["a..example.com", "empty label"],
    ["-a.example.com", "label starting with a hyphen"],
    ["a_b.example.com", "underscore"],
    ["ex ample.com", "space"],
    ["xn--zz.com", "broken punycode"],
    ["a.b.123", "numeric top-level label"],
    [`${"a".repeat(64)}.com`, "label over 63"],
    [`${"a.".repeat(127)}com`, "name over 253"],
  ])("refuses %j (%s)", (input) => {
    expect(normalizeSenderDomain(input)).toBeNull();
  });
});

describe("domainOfAddress", () => {
  it("reads the canonical domain after the last @", () => {
    expect(domainOfAddress("Web@Shop.Example.ORG")).toBe("shop.example.org");
    expect(domainOfAddress('"a@b"@example.org')).toBe("example.org");
    expect(domainOfAddress("x@bücher.example")).toBe("xn--bcher-kva.example");
  });

  it("has none for a local part alone or an address literal", () => {
    expect(domainOfAddress("www-data")).toBeNull();
    expect(domainOfAddress("x@")).toBeNull();
    expect(domainOfAddress("@example.org")).toBeNull();
    expect(domainOfAddress("x@[192.0.2.1]")).toBeNull();
  });
});

describe("isAllowedSenderDomain", () => {
  it("allows the service name, its subdomains, extra domains and theirs", () => {
    const allowed = (d: string) => isAllowedSenderDomain(d, "example.org", ["brand.com"]);
    expect(allowed("example.org")).toBe(true);
    expect(allowed("shop.example.org")).toBe(true);
    expect(allowed("a.b.example.org")).toBe(true);
    expect(allowed("brand.com")).toBe(true);
    expect(allowed("mail.brand.com")).toBe(true);
  });

  it("refuses look-alikes that only end with the same letters", () => {
    const allowed = (d: string) => isAllowedSenderDomain(d, "example.org", ["brand.com"]);
    expect(allowed("badexample.org")).toBe(false);
    expect(allowed("example.org.evil.com")).toBe(false);
    expect(allowed("otherbrand.com")).toBe(false);
    expect(allowed("org")).toBe(false);
  });
});

describe("checkSenderAddress", () => {
  const hosting = { serviceName: "example.org", senderDomains: ["brand.com"] };

  it("says why an address is refused", () => {
    expect(checkSenderAddress("x@shop.example.org", hosting)).toEqual({ ok: true });
    expect(checkSenderAddress("x@Brand.COM", hosting)).toEqual({ ok: true });
    expect(checkSenderAddress("", hosting)).toEqual({
      ok: false,
      reason: "null_sender",
      domain: null,
    });
    expect(checkSenderAddress("x@[192.0.2.1]", hosting)).toEqual({
      ok: false,
      reason: "no_domain",
      domain: null,
    });
    expect(checkSenderAddress("x@other.com", hosting)).toEqual({
      ok: false,
      reason: "foreign_domain",
      domain: "other.com",
    });
  });
});

describe("applySenderDomainChanges", () => {
  it("adds, removes, dedupes and sorts", () => {
    expect(applySenderDomainChanges(["b.com"], ["a.com", "b.com"], [])).toEqual(["a.com", "b.com"]);
    expect(applySenderDomainChanges(["a.com", "b.com"], ["c.com"], ["a.com", "c.com"])).toEqual([
      "b.com",
    ]);
  });
});
