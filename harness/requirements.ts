/**
 * What the real-server tests need from the machine, and the one rule for when it is missing: on a
 * developer's machine those tests skip; under CI (`CI` set, as `.ci/run` does) they fail, naming
 * the Debian package to install, so a CI image that lost nginx cannot stay green.
 */
import { existsSync } from "node:fs";

/** A program the real-server tests run, and the Debian package that installs it (listed in `.ci/apt-packages.txt`). */
export interface Requirement {
  /** The program, in words, with its path: `nginx (/usr/sbin/nginx)`. */
  what: string;
  debianPackage: string;
  present: boolean;
}

/** A requirement met when `path` exists. */
export function installedAt(path: string, what: string, debianPackage: string): Requirement {
  return { what: `${what} (${path})`, debianPackage, present: existsSync(path) };
}

/** Whether the tests run under CI: `CI` set to anything but empty, `0` or `false`. */
export function runByCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/** The message that names what is missing and the packages that install it. */
export function missingMessage(missing: readonly Requirement[]): string {
  const packages = [...new Set(missing.map((r) => r.debianPackage))];
  return `${missing.map((r) => r.what).join(", ")} not installed: apt-get install ${packages.join(" ")} (listed in .ci/apt-packages.txt; \`bash .ci/install-system-packages\` installs them)`;
}

/**
 * For `describe.skipIf(skipWithout(...))`: true (skip) when a requirement is missing on a
 * developer's machine; under CI, throws the missing-package message instead, so the test file fails.
 */
export function skipWithout(requirements: readonly Requirement[], env: NodeJS.ProcessEnv = process.env): boolean {
  const missing = requirements.filter((r) => !r.present);
  if (missing.length === 0) return false;
  if (runByCi(env)) throw new Error(`CI runs every real-server test: ${missingMessage(missing)}`);
  return true;
}

/** Throws the missing-package message when `requirement` is not met (for harnesses that cannot run without it). */
export function requireInstalled(requirement: Requirement): void {
  if (!requirement.present) throw new Error(missingMessage([requirement]));
}
