import { Writable } from "node:stream";
import { buildApp } from "@scripts-email/api";
import type { Services } from "@scripts-email/domain";
import { describe, expect, it } from "vitest";
import { createLog, resolveLogFormat } from "./log.ts";
import { captureLog } from "./testing/capture-log.ts";

const SECRET = "S3cret-horse-battery";

function memory(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe("LOG_FORMAT", () => {
  it("auto is readable at a terminal and JSON for anything else; the others are as named", () => {
    expect(resolveLogFormat("auto", true)).toBe("pretty");
    expect(resolveLogFormat("auto", false)).toBe("json");
    expect(resolveLogFormat("json", true)).toBe("json");
    expect(resolveLogFormat("pretty", false)).toBe("pretty");
  });

  it("pretty writes one readable line a record, in this thread and at once", () => {
    const out = memory();
    const log = createLog("info", { format: "pretty", destination: out.stream });
    log.child({ role: "worker" }).info({ messageId: "m1", hosting: "a.example" }, "delivered");
    // written before the call returned: no worker thread in between
    expect(out.text()).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: worker: delivered \{"messageId":"m1","hosting":"a\.example"\}\n$/,
    );
  });
});

describe("secrets", () => {
  it("are censored wherever a log call puts them", () => {
    const { log, records } = captureLog();
    log.info(
      {
        req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}` } },
        password: SECRET,
        user: { email: "a@b.test", password: SECRET },
        token: SECRET,
      },
      "something with secrets",
    );
    expect(JSON.stringify(records)).not.toContain(SECRET);
    expect(records[0]).toMatchObject({ password: "[redacted]", user: { email: "a@b.test" } });
  });

  it("never reach the API's request lines, which carry the role and the request id", async () => {
    const { log, records } = captureLog();
    // as the api role builds it; a path no route has needs no services
    const app = await buildApp({
      services: {} as Services,
      config: { cookieSecure: false, loggerInstance: log.child({ role: "api" }) },
    });
    const response = await app.inject({
      method: "GET",
      url: "/nowhere",
      headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}` },
    });
    expect(response.statusCode).toBe(404);
    await app.close();
    expect(JSON.stringify(records)).not.toContain(SECRET);
    expect(records).toContainEqual(
      expect.objectContaining({ role: "api", reqId: expect.anything(), msg: "request completed" }),
    );
  });
});
