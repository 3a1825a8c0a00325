import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The folder of the generated reference pages (`npm run docs` writes them). */
export const referenceDir = join(__dirname, "..", "..", "docs", "reference");

/** A reference page's path, e.g. `referencePage("config.md")`. */
export function referencePage(file: string): string {
  return join(referenceDir, file);
}

/** Generated blocks live between a start and an end marker; this rewrites what is between. */
export function replaceBetweenMarkers(text: string, startMarker: string, endMarker: string, content: string): string {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`the generated page needs the markers ${startMarker} and ${endMarker}`);
  return `${text.slice(0, start + startMarker.length)}\n${content}\n${text.slice(end)}`;
}

/** Rewrites one page with its generated blocks regenerated (the `npm run docs` entry of each generator). */
export function regenerate(path: string, regenerateBlocks: (text: string) => string): void {
  try {
    writeFileSync(path, regenerateBlocks(readFileSync(path, "utf8")));
  } catch (error) {
    throw new Error(`${relative(process.cwd(), path)}: ${(error as Error).message}`);
  }
}
