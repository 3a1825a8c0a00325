/**
 * SSM over HTTPS (`ssm.<region>.amazonaws.com`, awsJson1_1, `X-Amz-Target: AmazonSSM.<Op>`, SigV4
 * signing name `ssm`): GetParameter for the datastore password, and UpdateInstanceInformation, SSM
 * Agent's registration, accepted and counted.
 *
 * Followed: SSM API Reference, GetParameter
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html): `Name`
 * (a name or an ARN), `WithDecryption` ("Return decrypted values for secure string parameters.
 * This flag is ignored for String and StringList parameter types"; without it a SecureString's
 * `Value` is its ciphertext), the `Parameter` object (ARN, DataType, LastModifiedDate, Name, Type,
 * Value, Version), the errors ParameterNotFound (400) and InternalServerError; "Working with
 * parameter ARNs": `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`;
 * IAM's AccessDeniedException ("User: <arn> is not authorized to perform: ssm:GetParameter on
 * resource: <arn> because no identity-based policy allows the ssm:GetParameter action"), decided
 * before the parameter's existence (IAM User Guide, "Policy evaluation logic").
 * UpdateInstanceInformation (API_UpdateInstanceInformation.html): `InstanceId` required.
 * Signature errors: ./apiErrors.ts.
 */
import { createHmac, randomBytes } from "node:crypto";
import { jsonAnswer, jsonErrorAnswer, jsonRefusalError } from "./apiErrors";
import { anyArnMatches, type CredentialStore } from "./identity";
import { verifySigV4 } from "./sigv4";
import { headerValue, type ListenOptions, type StandIn, startHttpStandIn, type TlsFiles } from "./standIn";

export interface SsmParameter {
  /** As created, e.g. `/edge/prod/datastore/password`. */
  name: string;
  type: "String" | "StringList" | "SecureString";
  value: string;
  /** Defaults to 1. */
  version?: number;
}

export interface SsmOptions extends ListenOptions {
  region: string;
  store: CredentialStore;
  tls: TlsFiles;
  parameters: SsmParameter[];
  /** `ssm:GetParameter` resources of each role's identity policy, by role name (IAM wildcards). */
  roleGrants: Record<string, { getParameter: string[] }>;
  now?: () => Date;
}

export interface Ssm extends StandIn {
  /** UpdateInstanceInformation calls accepted, by instance id. */
  registrations(): Map<string, number>;
}

const contentType = "application/x-amz-json-1.1";

/** The ARN of a parameter: `/a/b` → `…:parameter/a/b`, `plain` → `…:parameter/plain`. */
export function parameterArn(region: string, accountId: string, name: string): string {
  return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, "")}`;
}

export async function startSsm(options: SsmOptions): Promise<Ssm> {
  const now = options.now ?? (() => new Date());
  const accountId = options.store.accountId;
  const lastModified = now().getTime() / 1000;
  const encryptionKey = randomBytes(32);
  const parameters = new Map(options.parameters.map((p) => [p.name, p]));
  const registrations = new Map<string, number>();
  const arnPrefix = `arn:aws:ssm:${options.region}:${accountId}:parameter/`;

  const server = await startHttpStandIn("ssm", { ...options, tls: options.tls }, ({ method, target, headers, body }) => {
    const operation = (headerValue(headers, "x-amz-target") ?? "").replace(/^AmazonSSM\./, "");
    const verdict = verifySigV4({ method, target, headers, body }, { service: "ssm", region: options.region, credentials: options.store.lookup, now: now() });
    if (!verdict.ok) return jsonErrorAnswer(contentType, operation || `${method} ${target}`, jsonRefusalError(verdict), verdict.reason);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return jsonErrorAnswer(contentType, operation, { status: 400, code: "SerializationException", message: "Start of structure or map found where not expected." });
    }
    const principal = verdict.credential.principal;

    if (operation === "GetParameter") {
      const given = input.Name;
      if (typeof given !== "string" || given === "")
        return jsonErrorAnswer(contentType, operation, {
          status: 400,
          code: "ValidationException",
          message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
        });
      const name = given.startsWith("arn:")
        ? given.startsWith(arnPrefix)
          ? given.slice(arnPrefix.length).includes("/")
            ? `/${given.slice(arnPrefix.length)}`
            : given.slice(arnPrefix.length)
          : undefined
        : given;
      const arn = name === undefined ? given : parameterArn(options.region, accountId, name);
      const action = `GetParameter ${name ?? given}`;
      const grants = principal.roleName === undefined ? undefined : options.roleGrants[principal.roleName];
      if (!grants || !anyArnMatches(grants.getParameter, arn)) {
        return jsonErrorAnswer(contentType, action, {
          status: 400,
          code: "AccessDeniedException",
          message: `User: ${principal.arn} is not authorized to perform: ssm:GetParameter on resource: ${arn} because no identity-based policy allows the ssm:GetParameter action`,
        });
      }
      const parameter = name === undefined ? undefined : parameters.get(name);
      if (!parameter) return jsonErrorAnswer(contentType, action, { status: 400, code: "ParameterNotFound" });
      const decrypt = input.WithDecryption === true;
      const value =
        parameter.type === "SecureString" && !decrypt
          ? Buffer.concat([Buffer.from([1, 2, 2, 0, 0x78]), createHmac("sha256", encryptionKey).update(parameter.value).digest(), randomBytes(24)]).toString("base64")
          : parameter.value;
      return jsonAnswer(
        contentType,
        action,
        {
          Parameter: {
            ARN: parameterArn(options.region, accountId, parameter.name),
            DataType: "text",
            LastModifiedDate: lastModified,
            Name: parameter.name,
            Type: parameter.type,
            Value: value,
            Version: parameter.version ?? 1,
          },
        },
        parameter.type === "SecureString" ? (decrypt ? "decrypted" : "ciphertext") : undefined,
      );
    }
    if (operation === "UpdateInstanceInformation") {
      const instanceId = input.InstanceId;
      if (typeof instanceId !== "string" || instanceId === "")
        return jsonErrorAnswer(contentType, operation, {
          status: 400,
          code: "ValidationException",
          message: "1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null",
        });
      registrations.set(instanceId, (registrations.get(instanceId) ?? 0) + 1);
      return jsonAnswer(contentType, `UpdateInstanceInformation ${instanceId}`, {});
    }
    return jsonErrorAnswer(contentType, operation || "(no X-Amz-Target)", { status: 400, code: "UnknownOperationException" });
  });
  return { ...server, registrations: () => new Map(registrations) };
}
