/**
 * The config key that fixes a policy finding, read from its message: the keys the message offers
 * as fixes (`Set edge:dns.ttl …`, `Smallest fix: edge:nginx.largeClientHeaderBuffers … or
 * edge:ingest.instanceType …`), without those it names only to rule out ("not edge:dns.ttl");
 * of these, the one the pull request changed, else the first. The comment groups findings by it
 * and SARIF points at its line, so an ACM record's finding is not filed under the TTL key its own
 * message says is not the fix, and a memory finding a changed instance type caused is filed under
 * that key, not under the header buffers the pull request never touched.
 *
 * Pure module: no Pulumi imports.
 */

const configKey = /\bedge:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/g;

/** Every config key the message offers as a fix, in order of appearance. */
function offeredKeys(message: string): string[] {
  const keys: string[] = [];
  for (const match of message.matchAll(configKey)) {
    const before = message.slice(Math.max(0, match.index! - 8), match.index!);
    if (/\bnot\s+$/i.test(before)) continue;
    if (!keys.includes(match[0])) keys.push(match[0]);
  }
  return keys;
}

/** Whether a changed config leaf (`edge:ingest.availabilityZoneIds.us-east-1`) is under `key`, or `key` under it. */
const related = (key: string, changed: string) => changed === key || changed.startsWith(`${key}.`) || key.startsWith(`${changed}.`);

/** The key that fixes the finding: of those offered, one `changed` touches, else the first; undefined when none is offered. */
export function fixKey(message: string, changed: readonly string[] = []): string | undefined {
  const keys = offeredKeys(message);
  return keys.find((k) => changed.some((c) => related(k, c))) ?? keys[0];
}
