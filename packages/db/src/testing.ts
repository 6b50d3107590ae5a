export * from "./testing/embedded-template.ts";
export * from "./testing/test-db.ts";
