/**
 * Loaded first in the policy pack's process on the plan's fast path (`--require`, `packProcess.ts`):
 * installs the deferred SDK imports and shares each resource's deserialized properties among the
 * pack's policies. Processes that plan as the worker does load it too, for the deferred imports.
 */
import { installDeferredSdkImports } from "./deferredSdkImports";
import { installSharedPackProperties } from "./sharedPackProperties";

installDeferredSdkImports();
installSharedPackProperties();
