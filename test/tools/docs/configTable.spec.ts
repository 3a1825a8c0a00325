import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { stackConfigSchema } from "../../../stacks/schema";
import { configTable, withConfigTable, configTablePath } from "../../../tools/docs/configTable";

describe("docs/reference/config.md config table", () => {
  it("is the one generated from the schema (run `npm run docs` after changing stacks/schema.ts)", () => {
    const page = readFileSync(configTablePath, "utf8");
    expect(page).toBe(withConfigTable(page));
    expect(page).toContain("| `edge:dns.secondary.accountId` | string | required |");
  });

  it("takes each default from the schema's .default() and each range from its bounds", () => {
    expect(configTable()).toContain("| `edge:ingest.peakEventsPerSecond` | number | `5000` | > 0 – 10,000,000 | Observed peak");
    expect(configTable()).toContain("| `edge:nginx.maxConnectionsPerHost` | integer | 90% of `workerConnections / 2` | > 0 – 1,048,576 |");
    expect(configTable()).toContain("| `edge:dns.aliases` | list of object | none |  |");
  });

  it("has no default typed again in a description", () => {
    const typedTwice: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      if (typeof node.description === "string" && /Defaults to|\bRequired\.$/.test(node.description)) typedTwice.push(`${path}: ${node.description}`);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }), "edge:");
    expect(typedTwice).toEqual([]);
  });
});
