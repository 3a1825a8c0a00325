import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64Text, differingParts, diffValues, hunks, lineDiff } from "../../../tools/diff/values";

describe("diffValues", () => {
  it("diffs nested objects by key, naming the path", () => {
    expect(diffValues({ a: { b: 1, c: 2 }, d: "x" }, { a: { b: 1, c: 3 }, e: true })).toEqual([
      { kind: "update", path: "a.c", before: 2, after: 3 },
      { kind: "delete", path: "d", before: "x" },
      { kind: "add", path: "e", after: true },
    ]);
  });

  it("matches arrays of objects by a natural key, not by position", () => {
    const before = {
      listeners: [
        { port: 80, protocol: "TCP" },
        { port: 443, protocol: "TLS" },
      ],
    };
    const after = {
      listeners: [
        { port: 443, protocol: "TCP" },
        { port: 80, protocol: "TCP" },
      ],
    };
    expect(diffValues(before, after)).toEqual([{ kind: "update", path: "listeners[port=443].protocol", before: "TLS", after: "TCP" }]);
  });

  it("diffs arrays of scalars as added and removed values", () => {
    expect(diffValues({ records: ["1.1.1.1", "2.2.2.2"] }, { records: ["2.2.2.2", "3.3.3.3"] })).toEqual([
      { kind: "delete", path: "records[]", before: "1.1.1.1" },
      { kind: "add", path: "records[]", after: "3.3.3.3" },
    ]);
  });

  it("shows base64 user data as a line diff of the decoded text", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const changes = diffValues({ userData: b64("#cloud-config\nswap: off\nworkers: 2\n") }, { userData: b64("#cloud-config\nswap: off\nworkers: 4\n") });
    expect(changes).toEqual([
      {
        kind: "text",
        path: "userData",
        lines: [
          { op: " ", line: "#cloud-config" },
          { op: " ", line: "swap: off" },
          { op: "-", line: "workers: 2" },
          { op: "+", line: "workers: 4" },
          { op: " ", line: "" },
        ],
      },
    ]);
  });

  it("shows a JSON policy document as a line diff of the pretty-printed JSON", () => {
    const policy = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });
    const [change] = diffValues({ policy: policy("s3:GetObject") }, { policy: policy("s3:*") });
    expect(change.kind).toBe("text");
    const lines = change.kind === "text" ? change.lines.filter((l) => l.op !== " ") : [];
    expect(lines).toEqual([
      { op: "-", line: '      "Action": "s3:GetObject",' },
      { op: "+", line: '      "Action": "s3:*",' },
    ]);
  });

  it("never shows a secret: plan-masked values stay masked, secret-named properties show only that they changed", () => {
    const changes = diffValues(
      { masterPassword: "hunter2", auth: { apiToken: "abc" }, body: "[secret]" },
      { masterPassword: "hunter3", auth: { apiToken: "abc" }, body: "[secret]", webhookSecret: "s3cr3t" },
    );
    expect(changes).toEqual([
      { kind: "update", path: "masterPassword", before: "[secret]", after: "[secret]" },
      { kind: "add", path: "webhookSecret", after: "[secret]" },
    ]);
    expect(JSON.stringify(diffValues({}, { privateKey: "-----BEGIN", nested: [{ name: "a", password: "p" }] }))).not.toMatch(/BEGIN|"p"/);
  });

  it("finds no change between a value and itself (property)", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => diffValues(v, structuredClone(v)).length === 0));
  });
});

describe("lineDiff", () => {
  it("keeps the lines of both sides in order (property)", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (before, after) => {
        const ops = lineDiff(before, after);
        expect(ops.filter((o) => o.op !== "+").map((o) => o.line)).toEqual(before);
        expect(ops.filter((o) => o.op !== "-").map((o) => o.line)).toEqual(after);
      }),
    );
  });
});

describe("decodeBase64Text", () => {
  it("decodes base64 text and leaves plain text alone", () => {
    expect(decodeBase64Text(Buffer.from("#!/bin/sh\necho hi\n").toString("base64"))).toBe("#!/bin/sh\necho hi\n");
    expect(decodeBase64Text("#cloud-config\nruncmd: []")).toBeUndefined();
  });
});

describe("diffValues on one side only (a created resource)", () => {
  it("spells out nested objects leaf by leaf and JSON documents as lines; flags named like secrets stay visible", () => {
    const changes = diffValues({}, { cors: { allowCredentials: true, origins: ["*"] }, policy: '{"Version":"2012-10-17"}' });
    expect(changes).toEqual([
      { kind: "add", path: "cors.allowCredentials", after: true },
      { kind: "add", path: "cors.origins", after: ["*"] },
      {
        kind: "text",
        path: "policy",
        lines: [
          { op: "+", line: "{" },
          { op: "+", line: '  "Version": "2012-10-17"' },
          { op: "+", line: "}" },
        ],
      },
    ]);
  });
});

describe("hunks and long strings", () => {
  it("shows each change with 3 lines of context under a unified-diff header, merging close changes", () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const after = before.map((l, i) => (i === 10 || i === 14 ? `${l}!` : l));
    expect(hunks(lineDiff(before, after))).toEqual(["@@ -8,11 +8,11 @@", " l7", " l8", " l9", "-l10", "+l10!", " l11", " l12", " l13", "-l14", "+l14!", " l15", " l16", " l17"]);
  });

  it("diffs documents past the LCS limit line by line, not as a whole replacement", () => {
    const before = Array.from({ length: 5000 }, (_, i) => `l${i}`);
    const after = before.map((l, i) => (i === 2500 ? "changed" : l));
    expect(lineDiff(before, after, 100).filter((l) => l.op !== " ")).toEqual([
      { op: "-", line: "l2500" },
      { op: "+", line: "changed" },
    ]);
  });

  it("keeps both sides of a line diff in order (property, past the LCS limit)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 60 }), fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 60 }), (b, a) => {
        const ops = lineDiff(b, a, 5);
        expect(ops.filter((l) => l.op !== "+").map((l) => l.line)).toEqual(b);
        expect(ops.filter((l) => l.op !== "-").map((l) => l.line)).toEqual(a);
      }),
    );
  });

  it("shows two long strings around where they differ", () => {
    const base = "x".repeat(5000);
    const [before, after] = differingParts(`${base}OLD${base}`, `${base}NEW${base}`);
    expect(before).toMatch(/^…x+OLDx+…$/);
    expect(after).toMatch(/^…x+NEWx+…$/);
    expect(before.length).toBeLessThan(100);
    expect(differingParts("short", "other")).toEqual(["short", "other"]);
  });
});
