/**
 * Installs the deferred SDK imports when it is loaded, for a process whose own imports load the
 * SDKs: import it first, since imports run before any statement of the module that names them.
 * The pack's preload loads it, and so do test processes that plan as the plan worker does.
 */
import { installDeferredSdkImports } from "./deferredSdkImports";

installDeferredSdkImports();
