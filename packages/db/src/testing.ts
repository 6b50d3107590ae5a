export * from "./testing/test-db.ts";
