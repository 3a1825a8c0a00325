import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumInstalled } from "../../harness/chromium";
import { nginxInstalled } from "../../harness/nginx";
import { nsdInstalled } from "../../harness/nsd";
import { postgresInstalled } from "../../harness/postgres";
import { installedAt, missingMessage, runByCi, skipWithout } from "../../harness/requirements";

const missing = installedAt("/nonexistent/edge-test/nginx", "nginx", "nginx-light");
const present = installedAt(process.execPath, "node", "nodejs");

describe("real-server requirements", () => {
  it("skip a test on a developer's machine when a server is missing, and run it when it is there", () => {
    expect(skipWithout([missing], {})).toBe(true);
    expect(skipWithout([missing], { CI: "false" })).toBe(true);
    expect(skipWithout([missing], { CI: "0" })).toBe(true);
    expect(skipWithout([present], { CI: "1" })).toBe(false);
    expect(skipWithout([present], {})).toBe(false);
  });

  it("fail under CI, naming what is missing and the Debian package that installs it", () => {
    expect(() => skipWithout([present, missing], { CI: "true" })).toThrow(
      "CI runs every real-server test: nginx (/nonexistent/edge-test/nginx) not installed: apt-get install nginx-light (listed in .ci/apt-packages.txt; `bash .ci/install-system-packages` installs them)",
    );
    expect(missingMessage([missing, { ...missing, what: "nginx's systemd unit" }])).toMatch(
      /^nginx \(\/nonexistent\/edge-test\/nginx\), nginx's systemd unit not installed: apt-get install nginx-light \(/,
    );
  });

  it("treat CI as set by .ci/run, and by any CI that sets CI", () => {
    expect(runByCi({ CI: "1" })).toBe(true);
    expect(runByCi({ CI: "true" })).toBe(true);
    expect(runByCi({ CI: "" })).toBe(false);
    expect(runByCi({})).toBe(false);
    expect(readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8")).toMatch(/^export CI="\$\{CI:-1\}"$/m);
  });

  it("name every package they ask for in .ci/apt-packages.txt", () => {
    const listed = readFileSync(path.join(__dirname, "..", "..", ".ci", "apt-packages.txt"), "utf8")
      .split("\n")
      .map((l) => l.trim());
    for (const requirement of [nginxInstalled, nsdInstalled, postgresInstalled, chromiumInstalled]) expect(listed, requirement.what).toContain(requirement.debianPackage);
  });
});
