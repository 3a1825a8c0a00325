/** The Amazon Time Sync stand-in, measured by Debian's chrony (what EC2's Debian images sync with) without touching this machine's clock. */
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandIn } from "../../../../tools/rehearse/standins/standIn";
import { startTimeSync } from "../../../../tools/rehearse/standins/timeSync";

describe("time sync (NTP server mode)", () => {
  const offsetMs = 7_000;
  let server: StandIn;

  beforeAll(async () => {
    server = await startTimeSync({ address: "127.0.0.1", port: 0, now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => server?.stop());

  it("chrony takes its answers as a time source and measures its clock (chronyd -Q: measure, never set)", async () => {
    expect(existsSync("/usr/sbin/chronyd"), "chrony is not installed: bash .ci/install-system-packages (chrony is in .ci/apt-packages.txt)").toBe(true);
    const { stderr } = await promisify(execFile)("chronyd", ["-Q", "-t", "30", `server 127.0.0.1 port ${server.port} iburst maxsamples 1`], { timeout: 60_000 });
    const wrongBy = /System clock wrong by (-?[\d.]+) seconds/.exec(stderr);
    expect(wrongBy, stderr).not.toBeNull();
    // chrony reports how far this machine's clock is from the server's: the stand-in's offset, within the exchange's jitter.
    expect(Math.abs(Number(wrongBy![1]) - offsetMs / 1000)).toBeLessThan(0.5);
  });

  it("answers a client request with mode 4, the client's version and transmit timestamp as origin; ignores what is not a client request", async () => {
    const socket = dgram.createSocket("udp4");
    try {
      const request = Buffer.alloc(48);
      request[0] = (3 << 3) | 3; // NTPv3, client
      request.write("transmitstamp!!!".slice(0, 8), 40, "latin1");
      const answers: Buffer[] = [];
      socket.on("message", (m) => answers.push(m));
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
      socket.send(request, server.port, "127.0.0.1");
      const symmetric = Buffer.from(request);
      symmetric[0] = (4 << 3) | 1; // symmetric active: not a client
      socket.send(symmetric, server.port, "127.0.0.1");
      const deadline = Date.now() + 30_000;
      while (answers.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(answers).toHaveLength(1);
      const reply = answers[0]!;
      expect({ leap: reply[0]! >> 6, version: (reply[0]! >> 3) & 7, mode: reply[0]! & 7, stratum: reply[1] }).toEqual({ leap: 0, version: 3, mode: 4, stratum: 3 });
      expect(reply.subarray(24, 32).toString("latin1")).toBe("transmit");
      const transmitSeconds = reply.readUInt32BE(40) - 2_208_988_800;
      expect(Math.abs(transmitSeconds * 1000 - (Date.now() + offsetMs))).toBeLessThan(5_000);
      expect(server.requests.map((r) => r.verdict)).toEqual(expect.arrayContaining(["OK", "NotAClientRequest"]));
    } finally {
      socket.close();
    }
  });
});
