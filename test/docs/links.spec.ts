/**
 * The README and every page under docs/ link only to what a clone has: every relative link names a
 * file or folder of the repository, every `#anchor` a heading of its page (GitHub's anchors), and
 * nothing points outside the repository (the post-mortems are docs/incidents/, not a sibling folder).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/runPlan";

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? markdownFiles(path) : entry.name.endsWith(".md") ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code, where Markdown makes links. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]
      .replace(/`/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const match of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]);
  return anchors;
}

const pages = [join(projectRoot, "README.md"), ...markdownFiles(join(projectRoot, "docs"))];

describe("links in README.md and docs/", () => {
  it("finds the pages", () => {
    expect(pages.length).toBeGreaterThan(10);
  });

  it.each(pages.map((page) => [relative(projectRoot, page), page]))("%s: every relative link and #anchor resolves", (_name, page) => {
    const text = readFileSync(page, "utf8");
    const broken: string[] = [];
    for (const match of prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const link = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      const [pathPart, anchor] = link.split("#", 2);
      const target = pathPart === "" ? page : resolve(dirname(page), decodeURIComponent(pathPart));
      if (relative(projectRoot, target).startsWith("..")) {
        broken.push(`${link}: outside the repository`);
        continue;
      }
      if (!existsSync(target)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor !== undefined && !(statSync(target).isFile() && target.endsWith(".md") && headingAnchors(readFileSync(target, "utf8")).has(anchor))) {
        broken.push(`${link}: no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("name no folder a clone does not have", () => {
    const outside = pages.filter((page) => /\.\.\/shared\b/.test(readFileSync(page, "utf8"))).map((page) => relative(projectRoot, page));
    expect(outside).toEqual([]);
  });
});
