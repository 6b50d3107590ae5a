export { createFileCapture } from "./delivery/file-capture.ts";
export type { Relay } from "./delivery/relay.ts";
export { relayUrlProblem } from "./delivery/relay-tls.ts";
export { createSmtpRelay, type SmtpRelayOptions } from "./delivery/smtp-relay.ts";
export {
  createSpamScanner,
  type SpamScan,
  type SpamScanner,
  type SpamScannerOptions,
} from "./delivery/spam-scanner.ts";
export {
  createDeliveryWorker,
  type DeliveryWorker,
  type WorkerOptions,
} from "./delivery/worker.ts";
export {
  createMtaMetrics,
  createQueueGauges,
  type MtaMetrics,
  type QueueGauges,
} from "./metrics.ts";
export {
  type AuthenticatedHosting,
  createIngestServer,
  DEFAULT_MAX_SIZE,
  type IngestServer,
  type IngestServerDeps,
  type IngestServerOptions,
} from "./smtp/ingest-server.ts";
export {
  DEFAULT_REFUSAL_ENTRIES,
  DEFAULT_REFUSAL_FLUSH_MS,
  RefusalRecorder,
  type RefusalRecorderOptions,
  type Refused,
} from "./smtp/refusal-recorder.ts";
export {
  DEFAULT_SESSION_LIMITS,
  defaultMaxConnections,
  FD_RESERVE,
  type LimitEvent,
  openFileLimit,
  REFUSAL_SLOTS,
  type SessionLimits,
} from "./smtp/session-limits.ts";
export { smtpLogin } from "./smtp/smtp-login.ts";
export { createSmtpLimitMetrics } from "./smtp/smtp-metrics.ts";
