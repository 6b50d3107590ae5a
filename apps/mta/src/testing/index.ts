export {
  type RelayedMessage,
  type RelayMode,
  startTestRelay,
  type TestRelay,
} from "./test-relay.ts";
