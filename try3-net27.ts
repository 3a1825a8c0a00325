import { readFileSync } from "node:fs";
import { reachabilityOfPlan } from "./models/network/reachability";
import { wireRegion } from "./models/network/wiring";
import { startNetworkTwin, sendProbes } from "./gameday/networkPaths";
import { Teardown } from "./gameday/netns";
(async () => {
  const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8"));
  const drop = new RegExp(process.argv[3] ?? "NOMATCH");
  const result = reachabilityOfPlan(plan.resources.filter((r: any) => !drop.test(r.name)));
  const wired = wireRegion(result.regions[0]!);
  if (process.argv[4]) { console.log(JSON.stringify(wired, null, 1)); }
  const teardown = new Teardown();
  try {
    const t0 = Date.now();
    const twin = await startNetworkTwin(wired, teardown);
    console.log("up in", Date.now() - t0, "ms");
    const results = await sendProbes(twin);
    for (const r of results) console.log(r.got === r.expect ? "ok  " : "BAD ", r.expect.padEnd(12), r.got.padEnd(12), r.flow, r.from, "->", r.to + ":" + r.port);
  } finally {
    console.log("teardown", teardown.run());
  }
})();
