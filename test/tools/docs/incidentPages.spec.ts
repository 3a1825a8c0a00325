import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { incidentIds, incidentPagePath, withIncidentBlock } from "../../../tools/docs/incidentPages";

describe("docs/incidents pages", () => {
  it.each(incidentIds)("incident %s has a page whose lessons are the ones models/incidents.ts words (run `npm run docs` after changing it)", (id) => {
    expect(existsSync(incidentPagePath(id)), `docs/incidents/${id}.md`).toBe(true);
    const page = readFileSync(incidentPagePath(id), "utf8");
    expect(page).toBe(withIncidentBlock(id, page));
    expect(page).toMatch(new RegExp(`^# Incident ${id}: `));
  });
});
