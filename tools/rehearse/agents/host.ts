/**
 * What the stand-in agents share on a rehearsed host: instance metadata (IMDSv2) for the region
 * and the role's credentials, and signed HTTPS calls to the AWS endpoints the host resolves. They
 * run on the bundle's Node.js with `--use-system-ca`, so they trust what the image trusts.
 */
import https from "node:https";
import { signRequest } from "../standins/sigv4";

const imds = "http://169.254.169.254/latest";

async function imdsToken(): Promise<string> {
  const answer = await fetch(`${imds}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "300" } });
  if (!answer.ok) throw new Error(`IMDS token: ${answer.status}`);
  return answer.text();
}

export async function metadata(path: string): Promise<string> {
  const token = await imdsToken();
  const answer = await fetch(`${imds}/${path}`, { headers: { "X-aws-ec2-metadata-token": token } });
  if (!answer.ok) throw new Error(`IMDS ${path}: ${answer.status}`);
  return answer.text();
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export async function roleCredentials(): Promise<RoleCredentials> {
  const role = (await metadata("meta-data/iam/security-credentials/")).trim();
  const body = JSON.parse(await metadata(`meta-data/iam/security-credentials/${role}`)) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
  return { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, sessionToken: body.Token };
}

/** A signed POST to `https://<service>.<region>.amazonaws.com/`; the status and body. */
export async function signedPost(service: string, region: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const url = `https://${service}.${region}.amazonaws.com/`;
  const credentials = await roleCredentials();
  const signed = signRequest({ method: "POST", url, headers, body, region, service, credentials });
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: "POST", headers: { ...signed, "content-length": String(Buffer.byteLength(body)) }, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("timeout", () => request.destroy(new Error(`${url}: no answer in 10 s`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** One log line on stdout (the unit's journal). */
export function say(message: string): void {
  process.stdout.write(`${message}\n`);
}
