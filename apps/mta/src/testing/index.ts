export {
  type RelayedMessage,
  type RelayMode,
  startTestRelay,
  type TestRelay,
  type TestRelayOptions,
} from "./test-relay.ts";
