/**
 * The Amazon Time Sync Service as hosts reach it (169.254.169.123, NTP on UDP 123): a server-mode
 * answer to each client-mode request, with the server's clock.
 *
 * Followed: RFC 5905 §7.3 (the packet: leap indicator, version, mode, stratum, poll, precision,
 * root delay and dispersion, reference ID, and the reference, origin, receive and transmit
 * timestamps, 32.32 fixed point from 1900) and §8 (the server copies the client's transmit
 * timestamp into origin; a client drops an answer whose origin is not its own); RFC 4330 (SNTP).
 * EC2 User Guide, "Set the time reference on your EC2 instance to use the local Amazon Time Sync
 * Service" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configure-ec2-ntp.html): the
 * address and chrony's `server 169.254.169.123 prefer iburst minpoll 4 maxpoll 4`. The stratum
 * (3) and reference ID are values chrony accepts; what the real service reports there is not
 * modelled.
 */
import dgram from "node:dgram";
import net from "node:net";
import { type ListenOptions, recorder, type StandIn } from "./standIn";

/** Seconds from 1900-01-01 (NTP's era 0) to 1970-01-01. */
const ntpEpochOffset = 2_208_988_800;
const stratum = 3;

function writeTimestamp(buffer: Buffer, offset: number, ms: number): void {
  const seconds = Math.floor(ms / 1000) + ntpEpochOffset;
  const fraction = Math.floor(((ms % 1000) / 1000) * 2 ** 32);
  buffer.writeUInt32BE(seconds >>> 0, offset);
  buffer.writeUInt32BE(fraction >>> 0, offset + 4);
}

export interface TimeSyncOptions extends ListenOptions {
  /** The clock served; defaults to this machine's. */
  now?: () => Date;
}

export async function startTimeSync(options: TimeSyncOptions): Promise<StandIn> {
  const now = options.now ?? (() => new Date());
  const log = recorder("time", options.onRequest);
  const socket = dgram.createSocket(net.isIPv6(options.address) ? "udp6" : "udp4");
  socket.on("message", (request, remote) => {
    const received = now().getTime();
    const mode = request.length >= 48 ? request[0]! & 0x7 : -1;
    const version = request.length >= 48 ? (request[0]! >> 3) & 0x7 : 0;
    // Only client-mode (3) requests of NTP versions 1-4 get an answer, as from any NTP server.
    if (mode !== 3 || version < 1 || version > 4) {
      log.record({ caller: remote.address, action: `mode ${mode} v${version}`, status: "ignored", verdict: "NotAClientRequest" });
      return;
    }
    const reply = Buffer.alloc(48);
    reply[0] = (0 << 6) | (version << 3) | 4; // leap: none, the client's version, mode 4 (server)
    reply[1] = stratum;
    reply[2] = request[2]!; // poll: the client's
    reply.writeInt8(-20, 3); // precision: about a microsecond
    reply.writeUInt32BE(0x00000010, 4); // root delay: 0.24 ms
    reply.writeUInt32BE(0x00000020, 8); // root dispersion: 0.49 ms
    reply.writeUInt32BE(0xa9fe00fe, 12); // reference ID: the upstream's IPv4 address (169.254.0.254)
    writeTimestamp(reply, 16, received - 16_000); // reference: last set 16 s ago
    request.copy(reply, 24, 40, 48); // origin: the client's transmit timestamp
    writeTimestamp(reply, 32, received);
    writeTimestamp(reply, 40, now().getTime());
    socket.send(reply, remote.port, remote.address);
    log.record({ caller: remote.address, action: `NTPv${version} client request`, status: "server", verdict: "OK" });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, options.address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return {
    address: options.address,
    port: socket.address().port,
    requests: log.requests,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
