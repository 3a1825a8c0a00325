/** Installs the deferred SDK imports on import: loaded first in the policy pack's process on the plan's fast path (`--require`, `packProcess.ts`), and in processes that plan as the worker does. */
import { installDeferredSdkImports } from "./deferredSdkImports";

installDeferredSdkImports();
