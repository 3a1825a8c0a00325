import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { snippetDelivery } from "../../../models/snippet/delivery";
import { contentHash, decideReplicaRegion, libraryVersion, loaderCacheControl, renderLoader, s3RegionalDomainRegion, snippetObjects, versionedCacheControl } from "../../../models/snippet/snippet";

const root = join(__dirname, "..", "..", "..");
const sources = {
  loader: readFileSync(join(root, "assets/snippet/loader.js"), "utf8"),
  library: readFileSync(join(root, "assets/snippet/edge.js"), "utf8"),
};
const settings = { cdnHost: "cdn.example.com", collectorUrl: "https://api.example.com/track", loadTimeoutMs: 4000 };

describe("snippet objects", () => {
  it("puts the library at a versioned, content-hashed key cached a year, and the loader at loader.js for 5 minutes", () => {
    const { library, loader } = snippetObjects(sources, settings);
    expect(library.key).toMatch(/^v1\.0\.0\/edge\.[0-9a-f]{12}\.js$/);
    expect(library.cacheControl).toBe("public, max-age=31536000, immutable");
    expect(loader.key).toBe("loader.js");
    expect(loader.cacheControl).toBe("public, max-age=300, stale-while-revalidate=86400, stale-if-error=604800");
    for (const o of [library, loader]) expect(o.contentType).toBe("application/javascript; charset=utf-8");
  });

  it("fills every placeholder: the loader names the exact library URL, the library the collector", () => {
    const { library, loader } = snippetObjects(sources, settings);
    expect(loader.body).toContain(`"https://cdn.example.com/${library.key}"`);
    expect(loader.body).toContain(`Number("4000")`);
    expect(library.body).toContain(`"https://api.example.com/track"`);
    expect(library.body).toContain(`JSON.parse('${JSON.stringify(snippetDelivery)}')`);
    expect(loader.body + library.body).not.toMatch(/__EDGE_[A-Z_]+__/);
  });

  it("gives changed content a new library key, so an old loader never gets a new library half-cached", () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.webUrl(), (a, b) => {
        fc.pre(a !== b);
        const first = snippetObjects(sources, { ...settings, collectorUrl: a });
        const second = snippetObjects(sources, { ...settings, collectorUrl: b });
        expect(first.library.key).not.toBe(second.library.key);
        expect(first.loader.body).not.toBe(second.loader.body);
      }),
      { numRuns: 50 },
    );
    expect(contentHash("x")).toBe(contentHash("x"));
  });

  it("refuses a source whose placeholder is missing or whose banner has no version", () => {
    expect(() => renderLoader("(function(){})()", "https://cdn/x.js", 4000)).toThrow("expected the placeholder __EDGE_LIBRARY_URL__ exactly once, found 0");
    expect(() => libraryVersion("(function(){})()")).toThrow("edge library v<semver>");
  });

  it("keeps both headers apart: only versioned files are immutable", () => {
    expect(versionedCacheControl).toContain("immutable");
    expect(loaderCacheControl).not.toContain("immutable");
  });
});

describe("decideReplicaRegion", () => {
  it("takes the configured region, else the second region", () => {
    expect(decideReplicaRegion(["us-east-1", "us-west-2"])).toBe("us-west-2");
    expect(decideReplicaRegion(["us-east-1"], "eu-west-1")).toBe("eu-west-1");
    expect(() => decideReplicaRegion(["us-east-1"])).toThrow("needs a replica region");
  });
});

describe("s3RegionalDomainRegion", () => {
  it("reads the region of a regional bucket domain, nothing else", () => {
    expect(s3RegionalDomainRegion("cdn-origin-1.s3.us-west-2.amazonaws.com")).toBe("us-west-2");
    expect(s3RegionalDomainRegion("cdn-origin-1.s3.amazonaws.com")).toBeUndefined();
    expect(s3RegionalDomainRegion("api-123.elb.us-east-1.amazonaws.com")).toBeUndefined();
  });
});
