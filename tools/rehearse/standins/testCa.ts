/**
 * The host rehearsal's throwaway test CA: the root that the rehearsal's stand-ins for AWS endpoints
 * and the datastore present certificates from, and that the rehearsal alone trusts (the booted
 * image's trust store, the bundle's place of the RDS CA). It lives in a directory the caller owns
 * and removes; nothing outside the rehearsal ever trusts it.
 *
 * Made with the openssl CLI (Debian's, as on the hosts): an EC P-256 root marked
 * `CA:TRUE` with `keyCertSign`, and leaf certificates with the names in `subjectAltName` (DNS names,
 * wildcards such as `*.s3.us-east-1.amazonaws.com`, IP addresses) and `serverAuth`, which is what
 * Node, curl/OpenSSL and libpq check (RFC 6125: the host name is matched against the SANs only).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";

/** The subject every rehearsal root carries, so a stray copy names what it is. */
export const testCaSubject = "/O=edge host rehearsal/CN=edge rehearsal test CA (trusted only inside a rehearsal)";

export interface TestCa {
  dir: string;
  /** The root certificate (PEM): what the rehearsal puts in the image's trust store and the bundle. */
  certFile: string;
  keyFile: string;
}

export interface ServerCertificate {
  /** The leaf certificate (PEM). */
  certFile: string;
  /** Its private key (PEM, PKCS#8). */
  keyFile: string;
  /** The leaf followed by the root: what a server that sends its chain serves. */
  chainFile: string;
  names: string[];
}

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });

/** Creates the test CA in `dir` (created if missing), valid for `days` (default 7: a rehearsal lasts minutes). */
export function createTestCa(dir: string, days = 7): TestCa {
  mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, "rehearsal-test-ca.key");
  const certFile = path.join(dir, "rehearsal-test-ca.pem");
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile]);
  openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    keyFile,
    "-out",
    certFile,
    "-days",
    String(days),
    "-sha256",
    "-subj",
    testCaSubject,
    "-addext",
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-addext",
    "subjectKeyIdentifier=hash",
  ]);
  return { dir, certFile, keyFile };
}

/** A DNS name as a SAN accepts it: labels of letters, digits and hyphens, an optional leading `*.` wildcard. */
const sanDnsName = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * Issues a server certificate signed by `ca` for `names` (DNS names, wildcards, IP addresses),
 * written as `<file>.pem` / `<file>.key` / `<file>-chain.pem` in the CA's directory.
 */
export function issueServerCertificate(ca: TestCa, file: string, names: string[], days = 7): ServerCertificate {
  if (!/^[A-Za-z0-9._-]+$/.test(file)) throw new Error(`issueServerCertificate: file: expected a plain file name, got ${JSON.stringify(file)}`);
  if (names.length === 0) throw new Error("issueServerCertificate: names: expected at least one DNS name or IP address, got none");
  const sans = names.map((name) => {
    if (isIP(name)) return `IP:${name}`;
    if (!sanDnsName.test(name)) throw new Error(`issueServerCertificate: names: ${JSON.stringify(name)} is neither an IP address nor a DNS name (a leading "*." wildcard is allowed)`);
    return `DNS:${name}`;
  });
  const base = path.join(ca.dir, file);
  const keyFile = `${base}.key`;
  const csrFile = `${base}.csr`;
  const certFile = `${base}.pem`;
  const chainFile = `${base}-chain.pem`;
  const extFile = `${base}.ext`;
  writeFileSync(
    extFile,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${sans.join(",")}`,
      "authorityKeyIdentifier=keyid",
      "",
    ].join("\n"),
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile]);
  // The common name is informative only: clients match the SANs.
  openssl(["req", "-new", "-key", keyFile, "-out", csrFile, "-subj", `/O=edge host rehearsal/CN=${names[0]}`]);
  openssl(["x509", "-req", "-in", csrFile, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial", "-out", certFile, "-days", String(days), "-sha256", "-extfile", extFile]);
  execFileSync("sh", ["-c", 'cat "$1" "$2" > "$3"', "sh", certFile, ca.certFile, chainFile]);
  return { certFile, keyFile, chainFile, names: [...names] };
}
