import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsQueryLogArgs {
  /** The public Route 53 zone whose queries are logged. */
  zoneId: pulumi.Input<string>;
  /** The zone's domain, e.g. `example.com`: the log group is `/aws/route53/<domain>`. */
  domain: string;
  /** Days the query logs are kept. Defaults to `365` (policy configure-log-group asks for a year or more). */
  retentionDays?: number;
}

/** Route 53 writes query logs only to a log group in us-east-1 (Route 53 API, CreateQueryLoggingConfig). */
export const queryLogRegion = "us-east-1";

/**
 * Route 53 query logging of the primary zone (policy enable-query-logging): every query Route 53
 * answers, with the resolver's subnet and the answer code, into a CloudWatch Logs group in
 * us-east-1, kept a year and encrypted with a key of its own (configure-log-group). Incident 001:
 * the attack on DNS showed first as a fall in ingested volume; these logs are what resolvers asked.
 *
 * What Route 53 requires (Route 53 API Reference, CreateQueryLoggingConfig, "Log Group and Resource
 * Policy"): the log group in us-east-1, in the zone's account, and a CloudWatch Logs resource policy
 * that lets route53.amazonaws.com create streams and put events in it. The key's policy lets
 * CloudWatch Logs use it for this log group only (CloudWatch Logs User Guide, "Encrypt log data in
 * CloudWatch Logs using AWS Key Management Service": the `kms:EncryptionContext:aws:logs:arn`
 * condition).
 */
export class DnsQueryLog extends pulumi.ComponentResource {
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: DnsQueryLogArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:dns:DnsQueryLog", name, {}, opts);
    const region = queryLogRegion;
    const logGroupName = `/aws/route53/${args.domain}`;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logGroupArn = pulumi.interpolate`arn:aws:logs:${region}:${account}:log-group:${logGroupName}`;

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        region,
        description: `Route 53 query logs of ${args.domain}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "Account", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
              Sid: "CloudWatchLogsForTheQueryLogs",
              Effect: "Allow",
              Principal: { Service: `logs.${region}.amazonaws.com` },
              Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
              Resource: "*",
              Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
            },
          ],
        }),
      },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-queries`, { region, name: logGroupName, retentionInDays: args.retentionDays ?? 365, kmsKeyId: key.arn }, { parent: this });
    const writeAccess = new aws.cloudwatch.LogResourcePolicy(
      `${name}-route53-writes`,
      {
        region,
        policyName: `route53-query-logs-${args.domain}`,
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Route53WritesQueryLogs",
              Effect: "Allow",
              Principal: { Service: "route53.amazonaws.com" },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${logGroupArn}:*`,
              Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:route53:::hostedzone/${args.zoneId}` } },
            },
          ],
        }),
      },
      { parent: logGroup },
    );
    // Route 53 checks its write access when the configuration is made.
    new aws.route53.QueryLog(`${name}`, { zoneId: args.zoneId, cloudwatchLogGroupArn: logGroup.arn }, { parent: this, dependsOn: [writeAccess] });

    this.logGroupName = logGroup.name;
    this.registerOutputs({ logGroupName: this.logGroupName });
  }
}
