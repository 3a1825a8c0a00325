/**
 * Defers modules the SDKs import at start-up that neither the program nor the pack uses. Installed
 * first in both processes of the plan on its fast path, the plan's (`main.ts`, the plan worker) and
 * the pack's (`packPreload.ts`, through `deferSdkImports.ts`). A deferred module loads on the first
 * use of any of its properties, so code that does use one still works. Only the offline plan's
 * processes defer; `pulumi up` and the plain path (EDGE_PLAN_PLAIN=1) load the SDKs as they are.
 */
import Module = require("node:module");

/** A module is deferred when a file matching `from` requires it by a name `request` accepts. */
const deferredImports: { from: RegExp; request: (name: string) => boolean }[] = [
  // `typescript` (parses a function's text) and npm's arborist (finds the packages it needs) serve
  // only function serialization (`pulumi.runtime.serializeFunction`, e.g. the closures of
  // `aws.lambda.CallbackFunction`); `./automation` is the Automation API, which drives the CLI from
  // a script. ~0.45 s and ~80 MB a process.
  {
    from: /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/,
    request: (name) => ["typescript", "@npmcli/arborist", "./automation"].includes(name),
  },
  // The index of `@pulumi/aws` loads all 238 service namespaces (each of which already loads its
  // resources lazily) to use a dozen: ~0.13 s a process. A namespace never used also never
  // registers its resource modules, which only rehydrate references to its resources: none here.
  {
    from: /[\\/]node_modules[\\/]@pulumi[\\/]aws[\\/]index\.js$/,
    request: (name) => /^\.\/[a-z0-9]+$/.test(name),
  },
];

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/**
 * A stand-in for a module that loads it on first use. Two questions are answered without loading:
 * it says it is an ES module (`__esModule`), so that TypeScript's `import * as` helper uses it as it
 * is instead of copying every property, and it has no `module.exports` key (Node's mark of an ES
 * module's CommonJS value, which tsx looks up on every module it loads): none of them has one.
 * The SDKs only read named properties of them.
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

let installed = false;

/** Installs the deferral in this process's module loader (once). */
export function installDeferredSdkImports(): void {
  if (installed) return;
  installed = true;
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, isMain) {
    const from = parent?.filename ?? "";
    if (deferredImports.some((rule) => rule.from.test(from) && rule.request(request))) {
      return deferredModule(() => load.call(this, request, parent, isMain) as object);
    }
    return load.call(this, request, parent, isMain);
  };
}
