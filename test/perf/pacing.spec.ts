/** Protects: the program's memory on large stacks (the plan's and `pulumi up`'s). `inBatches` gives the event loop a turn between batches (`components/pacing.ts`), so the SDK sends what was constructed instead of holding every resource at once. */
import { describe, expect, it } from "vitest";
import { inBatches } from "../../components/pacing";

describe("inBatches", () => {
  it("constructs every item in order, giving the event loop a turn between batches and none inside one", async () => {
    const events: string[] = [];
    let turnsSeen = 0;
    const watchTurns = () =>
      setImmediate(() => {
        turnsSeen++;
        if (turnsSeen < 10) watchTurns();
      });
    watchTurns();
    await inBatches(
      Array.from({ length: 7 }, (_, i) => i),
      (item, index) => events.push(`${item}@${index} after ${turnsSeen} turns`),
      3,
    );
    expect(events).toEqual(["0@0 after 0 turns", "1@1 after 0 turns", "2@2 after 0 turns", "3@3 after 1 turns", "4@4 after 1 turns", "5@5 after 1 turns", "6@6 after 2 turns"]);
  });

  it("takes no turn for an empty list or a single batch", async () => {
    let turns = 0;
    setImmediate(() => turns++);
    await inBatches([], () => undefined);
    await inBatches([1, 2], () => undefined, 2);
    expect(turns).toBe(0);
  });
});
