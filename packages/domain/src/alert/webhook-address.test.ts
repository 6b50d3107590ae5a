import { describe, expect, it } from "vitest";
import {
  addressRange,
  parseWebhookNetworks,
  refusedAddress,
  refusedWebhookUrl,
} from "./webhook-address.ts";

const none = parseWebhookNetworks(undefined);

describe("webhook addresses", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.0.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["fe80::1", "linkLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["224.0.0.251", "multicast"],
    ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:a9fe:a9fe", "linkLocal"],
    ["::127.0.0.1", "ipv4Compatible"],
    ["::7f00:1", "ipv4Compatible"],
    ["::8.8.8.8", "ipv4Compatible"],
    ["93.184.216.34", "unicast"],
    ["2606:2800:220:1:248:1893:25c8:1946", "unicast"],
  ])("%s is %s", (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(refusedAddress(address, none) === null).toBe(range === "unicast");
  });

  it("refuses literal internal hosts and localhost when saved, however they are written", () => {
    for (const url of [
      "http://127.0.0.1:8080/x",
      "http://127.1/",
      "http://0x7f000001/",
      "http://2130706433/",
      "https://[::ffff:127.0.0.1]/",
      "https://169.254.169.254/latest",
      "https://10.0.0.8/",
      "https://[fd00::1]/",
      "http://localhost:9000/",
      "https://api.localhost/",
    ]) {
      expect(refusedWebhookUrl(url, none), url).not.toBeNull();
    }
    // names are checked at delivery, once resolved
    expect(refusedWebhookUrl("https://hooks.example.com/x", none)).toBeNull();
    expect(refusedWebhookUrl("https://93.184.216.34/x", none)).toBeNull();
  });

  it("lets the operator allow networks, mapped addresses judged as what they carry", () => {
    const loopback = parseWebhookNetworks("127.0.0.0/8, ::1/128");
    expect(refusedWebhookUrl("http://127.0.0.1:8080/x", loopback)).toBeNull();
    expect(refusedWebhookUrl("http://[::ffff:127.0.0.1]/", loopback)).toBeNull();
    expect(refusedWebhookUrl("http://localhost/", loopback)).toBeNull();
    expect(refusedWebhookUrl("https://10.0.0.8/", loopback)).toMatch(/private/);
    expect(refusedAddress("10.2.3.4", parseWebhookNetworks(["10.2.0.0/16"]))).toBeNull();
    expect(() => parseWebhookNetworks("10.0.0.0/33")).toThrow(/CIDR/);
    expect(() => parseWebhookNetworks("intranet")).toThrow(/CIDR/);
  });
});
