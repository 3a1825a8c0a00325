/** Loaded first in the policy pack's process on the plan's fast path (`--require`, `packProcess.ts`). */
import { installDeferredSdkImports } from "./deferredSdkImports";

installDeferredSdkImports();
