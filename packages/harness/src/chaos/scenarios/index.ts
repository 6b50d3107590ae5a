import type { Scenario } from "../lib/harness.ts";
import { authGuessing } from "./auth-guessing.ts";
import { mtaKilledDuringDelivery } from "./mta-killed-during-delivery.ts";
import { mtaKilledDuringIngestion } from "./mta-killed-during-ingestion.ts";
import { oversizeAndMalformed } from "./oversize-and-malformed.ts";
import { poisonMessage } from "./poison-message.ts";
import { postgresRestartedUnderLoad } from "./postgres-restarted-under-load.ts";
import { relayDown } from "./relay-down.ts";
import { smtpFlood } from "./smtp-flood.ts";

/** The full chaos run, in order. */
export function allScenarios(): Scenario[] {
  return [
    mtaKilledDuringIngestion(),
    mtaKilledDuringDelivery(),
    postgresRestartedUnderLoad(),
    relayDown(),
    oversizeAndMalformed(),
    smtpFlood(),
    poisonMessage(),
    authGuessing(),
  ];
}
