/**
 * The hand edit the fixture program (test/fixtures/handEdit.ts) applies to the real program, set
 * by the runner before each plan. It lives on `globalThis`: the runner loads the program's modules
 * afresh for every plan, this one included, so a module variable would not survive.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Selects registrations by type token and logical name. */
export interface Target {
  type: string;
  name: string;
}

/** What an edit does to the program: each part as a person editing the code would. */
export interface EditAction {
  /** The inputs the program passes to the targeted resource, changed (values may be Outputs). */
  change?: { target: Target; props: (props: Record<string, any>) => Record<string, any> };
  /** The targeted resource is no longer declared (its outputs still feed the rest, as a deleted line's would not: see the fixture). */
  drop?: Target;
  /** Resources declared beside the program's (a hand-added resource). */
  add?: (program: { pulumi: typeof pulumi }) => void;
}

const key = "__edgeHandEdit";

export function setCurrentHandEdit(action: EditAction | undefined): void {
  (globalThis as Record<string, unknown>)[key] = action;
}

export function currentHandEdit(): EditAction {
  return ((globalThis as Record<string, unknown>)[key] as EditAction | undefined) ?? {};
}
