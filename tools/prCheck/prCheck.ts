/**
 * The pull-request check: plans every stack in `stacks/` at a base git ref (in a temporary
 * worktree) and in the working tree, and writes one markdown report ready to post as a PR comment.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diffPlans } from "../diff/planDiff";
import { summaryLine } from "../diff/render";
import { PolicyPackLender } from "../plan/runtime/packLease";
import { PlanWorker } from "../plan/runtime/planWorkerProcess";
import { spawnPolicyPack } from "../plan/runtime/packProcess";
import { plainPath } from "../plan/runtime/mode";
import { policyPackSources } from "../../policies/build";
import { evaluationDigest, filesAtCommit, filesInWorkingTree, planInputDigest } from "./planInputs";
import { policyConfigFile, renderReport, ReportOptions, StackPlan, StackReport } from "./report";
import type { MergeVerdict } from "./verdict";
import { PlanCache, blobOf, comparedOutcome, emptyPlan, planStack, pooled, stacksIn } from "./plans";
import { approversFor, changedFiles, git, installBase, policyChange, runAsync, showAt, stacksAt } from "./repo";

export { policyChange, stacksAt } from "./repo";
export { PlanCache, planStack, stacksIn, type PlanComparison } from "./plans";

export interface PrCheckResult {
  baseRef: string;
  baseCommit: string;
  headCommit: string;
  /** How the base tree got its node_modules; `cached` when no base plan needed the base's tree (each cached, or the same as the head's). */
  install: "symlink" | "npm ci" | "cached";
  stacks: StackReport[];
  /** The report as a PR comment: under `maxChars`, shortened when needed. */
  markdown: string;
  /** The report unshortened. */
  full: string;
  /** What merging needs: the comment's first line and pr-check's exit code. */
  verdict: MergeVerdict;
}
/** pr-check's own options. */
export interface PrCheckOptions {
  /**
   * Where plans are cached by the digest of what they were made from. Defaults to
   * `edge-pr-check/` in the repository's git directory; `false` plans everything.
   */
  cacheDir?: string | false;
}

type Side = "base" | "head";

/** One plan to have: a stack on the sides whose inputs have `digest` (both, when they are the same). */
interface PlanNeed {
  stack: string;
  digest: string;
  sides: Side[];
  /** For a head whose policy config differs from the base's: the base's, to judge the head again with. */
  compareWith?: { file: string; text: string };
  /** A head plan that, judged again with the base's config, IS the base's plan (digest `judgesBase`): nothing else differs. */
  judgesBase?: string;
  /** A base plan that the head's need `madeBy` makes (its second judging). */
  madeBy?: string;
  /** A head whose base plan (cached) is its evaluation judged by the base's pack and config: that plan is its comparison. */
  comparedByBase?: boolean;
}
/** The two trees a check compares: the base commit's and the working tree's stacks and files. */
interface Trees {
  root: string;
  baseCommit: string;
  baseStacks: string[];
  headStacks: string[];
  /** Every stack at either side, sorted. */
  names: string[];
  baseFiles: ReturnType<typeof filesAtCommit>;
  headFiles: ReturnType<typeof filesInWorkingTree>;
}

/** Each stack's digest of its plan's inputs at each side that has it (`planInputs.ts`). */
function inputDigests({ root, baseCommit, baseStacks, headStacks, names, baseFiles, headFiles }: Trees): Map<string, Partial<Record<Side, string>>> {
  const digests = new Map<string, Partial<Record<Side, string>>>();
  for (const stack of names) {
    const file = `stacks/Pulumi.${stack}.yaml`;
    digests.set(stack, {
      base: baseStacks.includes(stack) ? planInputDigest(baseFiles, stack, git(root, ["show", `${baseCommit}:${file}`])) : undefined,
      head: headStacks.includes(stack) ? planInputDigest(headFiles, stack, readFileSync(join(root, file), "utf8")) : undefined,
    });
  }
  return digests;
}

/** The plans a check needs, which of them the cache has, and which are left to make. */
interface Schedule {
  needs: PlanNeed[];
  fromCache: Map<string, StackPlan>;
  toMake: PlanNeed[];
  /** The policy pack is made of the same files at both sides. */
  samePackFiles: boolean;
}

/** What to plan: one need per digest, paired heads judged the base's way, the cache's plans left out. */
function schedulePlans(trees: Trees, digests: Map<string, Partial<Record<Side, string>>>, cache: PlanCache | undefined, work: string): Schedule {
  const { root, baseCommit, baseStacks, names, baseFiles, headFiles } = trees;
  // A head whose stack's policy config differs from the base's is judged a second time with the
  // base's, so the diff says what the moved bounds admit; that judging is part of its digest.
  const baseConfigText = (stack: string) => (baseStacks.includes(stack) ? (showAt(root, baseCommit, policyConfigFile(stack)) ?? "{}") : undefined);
  const headConfigText = (stack: string) => (existsSync(join(root, policyConfigFile(stack))) ? readFileSync(join(root, policyConfigFile(stack)), "utf8") : "{}");
  const samePackFiles = ["package-lock.json", ...policyPackSources()].every((path) => blobOf(baseFiles, path) === blobOf(headFiles, path));
  // The program never reads the policy pack: when a stack's base and head differ only in the pack or
  // its policy config (`evaluationDigest`), the head's evaluation judged by the base's pack with the
  // base's config IS the base's plan, made without evaluating the program twice.
  const pairable = (stack: string) =>
    evaluationDigest(baseFiles, stack, git(root, ["show", `${baseCommit}:stacks/Pulumi.${stack}.yaml`])) ===
    evaluationDigest(headFiles, stack, readFileSync(join(root, "stacks", `Pulumi.${stack}.yaml`), "utf8"));
  const cachedDigests = new Set(names.flatMap((stack) => Object.values(digests.get(stack)!)).filter((d): d is string => !!d && !!cache?.get(d)));
  const planNeeds = (pairing: boolean): PlanNeed[] =>
    names.flatMap((stack) => {
      const { base, head } = digests.get(stack)!;
      if (base && base === head) return [{ stack, digest: base, sides: ["base", "head"] }];
      const before = baseConfigText(stack);
      const configMoved = head !== undefined && before !== undefined && before !== headConfigText(stack);
      const paired = pairing && !!base && !!head && pairable(stack);
      // The base's plan, cached, already is the head's evaluation judged the base's way: no second judging.
      if (paired && cachedDigests.has(base!)) {
        return [
          { stack, digest: base!, sides: ["base" as const] },
          { stack, digest: head!, sides: ["head" as const], comparedByBase: true },
        ];
      }
      const compareWith = configMoved || paired ? { file: join(work, `base-policy-config-${stack}.json`), text: before! } : undefined;
      const headDigest =
        head && compareWith
          ? createHash("sha256")
              .update(`${head}\0judged also as\0${paired ? base : compareWith.text}`)
              .digest("hex")
          : head;
      return [
        ...(base ? [{ stack, digest: base, sides: ["base" as const], ...(paired ? { madeBy: headDigest } : {}) }] : []),
        ...(headDigest ? [{ stack, digest: headDigest, sides: ["head" as const], ...(compareWith ? { compareWith } : {}), ...(paired ? { judgesBase: base } : {}) }] : []),
      ];
    });
  // With the pack changed, the base's pack judges the paired heads from the base's worktree; pairing
  // then applies only when no base plan is left to make there anyway (one base pack, one way).
  let needs = planNeeds(true);
  if (!samePackFiles && needs.some((n) => n.sides.length === 1 && n.sides[0] === "base" && !n.madeBy && !cachedDigests.has(n.digest))) needs = planNeeds(false);
  const fromCache = new Map(
    needs.flatMap((need) => {
      const hit = cache?.get(need.digest);
      return hit ? [[need.digest, hit] as const] : [];
    }),
  );
  // A base made by its head's second judging is made with that head (again, when only the head is cached).
  const toMake = needs.filter((need) => !need.madeBy && (!fromCache.has(need.digest) || (need.judgesBase !== undefined && !fromCache.has(need.judgesBase))));
  return { needs, fromCache, toMake, samePackFiles };
}

/** A plan both sides share is made in the working tree; only a base's own plan needs the base's tree. */
const inBase = (need: PlanNeed) => !need.sides.includes("head");

/** Each stack's base and head plans (an absent side as an empty plan) and their diff. */
function stackReports(names: string[], needs: PlanNeed[], planOf: Map<string, StackPlan>): StackReport[] {
  const digestOf = (stack: string, side: Side) => needs.find((n) => n.stack === stack && n.sides.includes(side))?.digest;
  return names.map((stack) => {
    const baseDigest = digestOf(stack, "base");
    const headDigest = digestOf(stack, "head");
    const base = baseDigest ? planOf.get(baseDigest) : undefined;
    const head = headDigest ? planOf.get(headDigest) : undefined;
    const usable = (p?: StackPlan) => (p ? p.json : emptyPlan(stack));
    const b = usable(base);
    const comparedByBase = needs.some((n) => n.stack === stack && n.comparedByBase);
    const h = comparedByBase && b && head?.json ? { ...head.json, policyConfigCompared: { config: b.policyConfig ?? {}, violations: b.violations } } : usable(head);
    return { stack, base, head, diff: b && h && (base || head) ? diffPlans(b, h) : undefined };
  });
}

/**
 * The base's worktree, made at one path per repository when no other run holds it: tsx keys its
 * cache of compiled TypeScript by the file's path, so a base planned there before compiles only
 * the files that changed since (about 0.4 CPU-s of a cold run otherwise). Held by another run (or
 * left by one that was killed): a worktree of this run's own, under `work`.
 */
async function addBaseWorktree(root: string, baseCommit: string, usualBaseTree: string, work: string): Promise<string> {
  const addWorktree = (path: string) => runAsync("git", ["worktree", "add", "--detach", path, baseCommit], root);
  let baseTree = usualBaseTree;
  let checkout = existsSync(usualBaseTree) ? undefined : await addWorktree(usualBaseTree);
  if (checkout?.status !== 0) checkout = await addWorktree((baseTree = join(work, "base")));
  if (checkout.status !== 0) throw new Error(`git worktree add --detach ${baseTree} ${baseCommit} failed: ${checkout.stderr.trim()}`);
  return baseTree;
}

/** Where a check's plans are made, and with which pack processes. */
interface PlanMaking {
  plans: string;
  cache: PlanCache | undefined;
  lender: PolicyPackLender | undefined;
  /** Whether a need's head is judged as the base by the base's own (different) pack. */
  byBasePack: (need: PlanNeed) => boolean;
  basePackAlias: string;
  baseTreeReady: Promise<string>;
}

/** The task that makes one needed plan in `tree` (and the base's plan its second judging makes), caching both. */
const planTask =
  ({ plans, cache, lender, byBasePack, basePackAlias, baseTreeReady }: PlanMaking, need: PlanNeed, tree: string, via?: PlanWorker) =>
  async (): Promise<(readonly [string, StackPlan])[]> => {
    if (need.compareWith) writeFileSync(need.compareWith.file, need.compareWith.text);
    const out = join(plans, inBase(need) ? "base" : "head");
    const compareJson = need.judgesBase ? join(out, `${need.stack}.base.json`) : undefined;
    // The base's pack: lent under the alias, started once its worktree exists; without a lender, its folder there.
    const basePack = byBasePack(need) ? (lender ? basePackAlias : join(await baseTreeReady, "policies")) : undefined;
    const compare = need.compareWith && { policyConfig: need.compareWith.file, json: compareJson, ...(basePack ? { pack: basePack } : {}) };
    const plan = await planStack(tree, need.stack, out, lender, via, compare);
    cache?.put(need.digest, plan);
    const base = compareJson ? comparedOutcome(plan, compareJson) : undefined;
    if (base) cache?.put(need.judgesBase!, base);
    return [[need.digest, plan] as const, ...(base ? [[need.judgesBase!, base] as const] : [])];
  };

/** Runs tasks in the plan worker all at once, else two processes at a time. */
const runPlans = (tasks: (() => Promise<(readonly [string, StackPlan])[]>)[], inWorker: boolean) =>
  (inWorker ? Promise.all(tasks.map((task) => task())) : pooled(tasks, 2)).then((lists) => lists.flat());

/** A promise settled from outside; its rejection unobserved is not an error. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: Error) => void } {
  let settle!: (value: T) => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<T>((done, failed) => {
    settle = done;
    fail = failed;
  });
  promise.catch(() => undefined);
  return { promise, resolve: settle, reject: fail };
}

/**
 * What a check leaves on disk: its temp dir `work` and the base's worktree once added, both removed
 * by `release()`, and before exiting when interrupted (Ctrl-C, a cancelled CI job: exit 130 or 143).
 */
function checkScratch(root: string, work: string) {
  const usualBaseTree = join(tmpdir(), `edge-pr-check-base-${createHash("sha256").update(resolve(root)).digest("hex").slice(0, 12)}`);
  let baseTree: string | undefined;
  const cleanUp = () => {
    if (baseTree !== undefined) spawnSync("git", ["worktree", "remove", "--force", baseTree], { cwd: root });
    baseTree = undefined;
    rmSync(work, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: root });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    usualBaseTree,
    added: (tree: string) => {
      baseTree = tree;
    },
    release: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      cleanUp();
    },
  };
}

/** Each stack's diff from its plans (made or cached), who must approve, and the rendered report. */
function reportStacks(trees: Trees, needs: PlanNeed[], plans: Map<string, StackPlan>, report: Omit<ReportOptions, "policyChange" | "approvers">, log: (line: string) => void) {
  const { root, baseCommit, names } = trees;
  const stacks = stackReports(names, needs, plans);
  for (const s of stacks) log(`${s.stack}: ${s.diff ? summaryLine(s.diff) : "broken"}`);
  const policies = policyChange(root, baseCommit);
  const approvers = approversFor(
    root,
    baseCommit,
    stacks,
    changedFiles(root, baseCommit),
    trees.headFiles,
    policies.files.filter((f) => !f.startsWith("policies/config/")),
  );
  return { stacks, ...renderReport(stacks, { ...report, policyChange: policies, approvers }) };
}

/**
 * Plans every stack at `baseRef` and in `root`'s working tree and diffs them. A stack's plan is
 * made once per digest of its inputs (`planInputs.ts`): a base and a head that differ only in
 * another stack's file share one plan, and a plan made before from the same inputs (the base of
 * every pull request on one main commit; a rerun) is read from the cache. The base worktree is
 * made only when a base plan is left to make; it is removed also when a plan or the install fails.
 */
export async function prCheck(
  root: string,
  baseRef: string,
  report: Omit<ReportOptions, "baseRef" | "baseCommit" | "headCommit"> = {},
  log: (line: string) => void = () => undefined,
  options: PrCheckOptions = {},
): Promise<PrCheckResult> {
  const baseCommit = git(root, ["rev-parse", "--verify", `${baseRef}^{commit}`]);
  const headCommit = git(root, ["rev-parse", "--verify", "HEAD^{commit}"]);
  const cache = options.cacheDir === false ? undefined : new PlanCache(options.cacheDir ?? join(resolve(root, git(root, ["rev-parse", "--git-common-dir"])), "edge-pr-check"));
  const baseStacks = stacksAt(root, baseCommit);
  const headStacks = stacksIn(root);
  const names = [...new Set([...baseStacks, ...headStacks])].sort();
  const trees: Trees = { root, baseCommit, baseStacks, headStacks, names, baseFiles: filesAtCommit(root, baseCommit), headFiles: filesInWorkingTree(root) };
  const digests = inputDigests(trees);
  const work = mkdtempSync(join(tmpdir(), "edge-pr-check-"));
  const { needs, fromCache, toMake, samePackFiles } = schedulePlans(trees, digests, cache, work);
  // A head judged as the base by the base's own pack needs that tree's pack.
  const byBasePack = (need: PlanNeed) => need.judgesBase !== undefined && !samePackFiles;
  const needsBaseTree = toMake.some(inBase) || toMake.some(byBasePack);
  // The folder a paired head names for the base's pack before the base's worktree exists; the lender starts it there once it does.
  const basePackAlias = join(work, "base-policies");
  const { promise: baseTreeReady, resolve: baseTreeMade, reject: baseTreeFailed } = deferred<string>();

  const scratch = checkScratch(root, work);
  let lender: PolicyPackLender | undefined;
  let worker: PlanWorker | undefined;
  try {
    // One pack process per pack for every plan left to make: the working tree's, lent to the base's
    // plans too when the base's pack is made of the same files. On the plain path (EDGE_PLAN_PLAIN=1)
    // there is no lender and no worker: each plan is a process with a pack of its own.
    if (toMake.length > 0 && !plainPath()) {
      lender = new PolicyPackLender(async (packDir) => {
        const dir = packDir === basePackAlias ? join(await baseTreeReady, "policies") : packDir;
        log(`policy pack process started for ${dir === join(root, "policies") ? "the working tree" : baseRef}`);
        return spawnPolicyPack(dir);
      });
    }
    const samePack = !!lender && samePackFiles;
    lender?.offer(join(root, "policies"));
    if (toMake.some(byBasePack)) {
      log(`the policy pack differs at ${baseRef}: its pack judges the working tree's evaluation of each stack whose program is the same, as the base's plan`);
      // Started as soon as the base's worktree exists, while the working tree's programs run.
      lender?.offer(basePackAlias);
    }
    const shared = needs.filter((need) => need.sides.length === 2).length;
    log(`planning ${names.length} stack(s) at ${baseRef} and in the working tree: ${toMake.length} plan(s), ${fromCache.size} from the cache` + (shared > 0 ? `, ${shared} the same at both` : ""));
    const making: PlanMaking = { plans: join(work, "plans"), cache, lender, byBasePack, basePackAlias, baseTreeReady };
    // The working tree's plans go to the plan worker at once, so it loads the SDKs while the base's
    // worktree is made; so do the base's when it runs on the same node_modules. A base installed
    // apart (its own `npm ci`), and every plan of the plain path, run as processes of their own.
    worker = lender && new PlanWorker(root, lender);
    const headPlans = runPlans(
      toMake.filter((need) => !inBase(need)).map((need) => planTask(making, need, root, worker)),
      !!worker,
    );
    let install: PrCheckResult["install"] = "cached";
    let basePlans: Promise<(readonly [string, StackPlan])[]> = Promise.resolve([]);
    if (needsBaseTree) {
      let baseTree: string;
      try {
        baseTree = await addBaseWorktree(root, baseCommit, scratch.usualBaseTree, work);
        scratch.added(baseTree);
        install = await installBase(root, baseTree, baseRef, log);
        baseTreeMade(baseTree);
      } catch (err) {
        baseTreeFailed(err as Error);
        throw err;
      }
      if (samePack) lender?.offer(join(root, "policies"), [join(baseTree, "policies")]);
      else if (toMake.some(inBase)) {
        log(`the policy pack differs at ${baseRef}: a second pack process judges its plans`);
        lender?.offer(join(baseTree, "policies"));
      }
      const inWorker = install === "symlink" && !!worker;
      basePlans = runPlans(
        toMake.filter(inBase).map((need) => planTask(making, need, baseTree, inWorker ? worker : undefined)),
        inWorker,
      );
    } else {
      log(`every base plan of ${baseRef} is cached, the same as the working tree's, or the working tree's judged with the base's policy config: no base worktree`);
    }
    const made = (await Promise.all([headPlans, basePlans])).flat();
    const { stacks, markdown, full, verdict } = reportStacks(trees, needs, new Map([...fromCache, ...made]), { ...report, baseRef, baseCommit, headCommit }, log);
    log(`merging: ${verdict.kind}`);
    return { baseRef, baseCommit, headCommit, install, stacks, markdown, full, verdict };
  } finally {
    // A base pack still waiting for a worktree that will not come is never started.
    baseTreeFailed(new Error("pr-check ended before the base's worktree was made"));
    await worker?.stop();
    await lender?.stop();
    scratch.release();
  }
}
