/**
 * Defers modules the Pulumi SDK imports at start-up that neither the program nor the pack uses:
 * - `typescript` (parses a function's text) and `@npmcli/arborist` (finds the packages it needs),
 *   which only function serialization uses (`pulumi.runtime.serializeFunction`, e.g. the closures
 *   of `aws.lambda.CallbackFunction`): ~0.4 s and ~80 MB in each of the plan's two processes;
 * - `./automation` (`pulumi.automation`, the Automation API, which drives the CLI from a script
 *   and loads execa, js-yaml and npm's package readers): ~70 ms more.
 * Imported first in both processes, the plan's and the pack's (issue 9); its import installs it.
 * A deferred module loads on the first use of any of its properties, so a program that does use
 * one still works.
 */
import Module = require("node:module");

const deferred = new Set(["typescript", "@npmcli/arborist", "./automation"]);
const sdkFile = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/**
 * A stand-in for a module that loads it on first use. Two questions are answered without loading:
 * it says it is an ES module (`__esModule`), so that TypeScript's `import * as` helper uses it as it
 * is instead of copying every property, and it has no `module.exports` key (Node's mark of an ES
 * module's CommonJS value, which tsx looks up on every module it loads): neither module has one.
 * The SDK only reads named properties of both.
 */
function deferredModule(load: () => object): object {
  let loaded: object | undefined;
  const target = () => (loaded ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && !loaded ? true : Reflect.get(target(), key)),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        if (key === "module.exports" && !loaded) return undefined;
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

const load = loader._load;
loader._load = function (this: unknown, request, parent, isMain) {
  if (deferred.has(request) && parent?.filename && sdkFile.test(parent.filename)) {
    return deferredModule(() => load.call(this, request, parent, isMain) as object);
  }
  return load.call(this, request, parent, isMain);
};
