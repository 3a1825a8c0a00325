/**
 * Who owns a file by `.github/CODEOWNERS`, as GitHub reads it: each line a pattern and its owners,
 * patterns as in `.gitignore` (a leading `/` anchors at the root, a trailing `/` takes a
 * directory's whole tree, `*` stays within a path segment, `**` crosses them, a pattern without a
 * slash matches at any depth), and the LAST matching line wins, so a later line with no owners
 * un-owns a path. The pull request's comment names the owners whose review its risky change needs.
 * GitHub's rules: https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-syntax
 *
 * Pure module: no Pulumi imports.
 */

export interface OwnerRule {
  pattern: string;
  owners: string[];
  /** Matches a repository-relative path (`/`-separated, no leading slash). */
  matches: (path: string) => boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\?]/g, "\\$&");
}

/** A CODEOWNERS pattern as a test of a repository-relative path. */
function patternMatcher(pattern: string): (path: string) => boolean {
  const anchored = pattern.startsWith("/") || pattern.replace(/\/$/, "").includes("/");
  const directory = pattern.endsWith("/");
  const body = pattern.replace(/^\//, "").replace(/\/$/, "");
  const source = body
    .split("/")
    .map((segment) => (segment === "**" ? "\u0000" : escapeRegExp(segment).replace(/\*/g, "[^/]*")))
    .join("/")
    .replace(/\u0000\//g, "(?:.*/)?")
    .replace(/\/\u0000/g, "(?:/.*)?")
    .replace(/\u0000/g, ".*");
  // A pattern names a file or a directory: either way, everything under it matches too.
  const regex = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${source}${directory ? "/.*" : "(?:/.*)?"}$`);
  return (path) => regex.test(path);
}

/** The rules of a CODEOWNERS file's text, in file order. */
export function parseCodeOwners(text: string): OwnerRule[] {
  return text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean)
    .map((line) => {
      const [pattern, ...owners] = line.split(/\s+/);
      return { pattern: pattern!, owners, matches: patternMatcher(pattern!) };
    });
}

/** The owners of `path`: those of the last rule that matches it; none when no rule does (or the last names none). */
export function ownersOf(rules: OwnerRule[], path: string): string[] {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.matches(path)) return rules[i]!.owners;
  return [];
}

/** Who must approve a change of `files`: their owners, and the files no rule owns. */
export interface Approvers {
  /** Changed files that decide the risky stacks' plans (or the guard), in path order. */
  files: string[];
  /** Every owner of those files, in order of first appearance. */
  owners: string[];
  /** Those of `files` that no rule owns. */
  unowned: string[];
}

export function approversOf(rules: OwnerRule[], files: string[]): Approvers {
  const owners: string[] = [];
  const unowned: string[] = [];
  for (const file of [...files].sort()) {
    const own = ownersOf(rules, file);
    if (own.length === 0) unowned.push(file);
    for (const o of own) if (!owners.includes(o)) owners.push(o);
  }
  return { files: [...files].sort(), owners, unowned };
}
