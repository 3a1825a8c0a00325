/**
 * The serving path the plan declares, as text: clients → DNS (both providers) → each region's load
 * balancer → its hosts → the datastore, and the CDN → its origins. The PR diff draws the same graph
 * (`tools/diff/servingPath.ts`) as a Mermaid diagram with each node's change marked.
 */
import { servingGraph, servingGraphLines } from "../../diff/servingPath";
import type { PlanSection } from "./index";

export const servingPathSection: PlanSection = {
  title: "Serving path",
  render(plan) {
    const graph = servingGraph(plan.resources.filter((r) => r.custom));
    return graph.nodes.length > 1 ? servingGraphLines(graph) : [];
  },
};
