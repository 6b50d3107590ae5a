export * from "./audit.ts";
export * from "./common.ts";
export * from "./email.ts";
export * from "./errors.ts";
export * from "./health.ts";
export * from "./hostings.ts";
export * from "./messages.ts";
export * from "./session.ts";
