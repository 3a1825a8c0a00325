/**
 * Loaded first in the policy pack's process on the plan's fast path (`--require`, `packProcess.ts`):
 * installs the deferred SDK imports and shares each resource's deserialized properties among the
 * pack's policies.
 */
import "./deferSdkImports";
import { installSharedPackProperties } from "./sharedPackProperties";

installSharedPackProperties();
