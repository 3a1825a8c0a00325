/**
 * The datastore password, read once at start by the host's role from SSM Parameter Store
 * (SecureString, decrypted by the call). It is never rendered into user data, which anyone with
 * `ec2:DescribeLaunchTemplateVersions` or a process on the host's metadata service can read.
 * `INGEST_DB_PASSWORD` replaces the call only where no AWS exists (tests and the benchmark).
 */
import type { ServiceConfig } from "./config";
import { ConfigError } from "./config";

export async function readPassword(config: Pick<ServiceConfig, "dbPassword" | "dbPasswordParameter" | "awsRegion" | "connectTimeoutMs">): Promise<string> {
  if (config.dbPassword) return config.dbPassword;
  const name = config.dbPasswordParameter!;
  if (!config.awsRegion) throw new ConfigError("INGEST_AWS_REGION: expected the AWS region of the SSM parameter (or AWS_REGION), got nothing");
  // Loaded only where it is used: the SDK costs memory a process with a given password never needs.
  const { GetParameterCommand, SSMClient } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient({ region: config.awsRegion, maxAttempts: 5 });
  try {
    const answer = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = answer.Parameter?.Value;
    if (!value) throw new ConfigError(`INGEST_DB_PASSWORD_PARAMETER: the SSM parameter ${name} is empty; store the datastore password in it as a SecureString`);
    return value;
  } finally {
    client.destroy();
  }
}
