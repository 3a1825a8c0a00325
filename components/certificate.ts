import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsValidatedCertificateArgs {
  /** The certificate's name, e.g. `api.example.com`. */
  domainName: string;
  /** Further names on the certificate. Defaults to none. */
  subjectAlternativeNames?: string[];
  /** Region the certificate lives in; CloudFront needs `us-east-1`. */
  region: string;
  /** Route 53 hosted zone that answers for the names (the primary zone). */
  zoneId: pulumi.Input<string>;
  /** TTL of the validation records, in seconds. */
  validationTtl: number;
}

/**
 * An ACM certificate validated through DNS in the primary zone, ready when `certificateArn`
 * resolves. Validation records live in Route 53 only: the secondary provider serves traffic, not
 * certificate renewals.
 */
export class DnsValidatedCertificate extends pulumi.ComponentResource {
  /** ARN of the validated certificate: depend on this, not on the certificate itself. */
  readonly certificateArn: pulumi.Output<string>;

  constructor(name: string, args: DnsValidatedCertificateArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("edge:tls:DnsValidatedCertificate", name, {}, opts);
    const names = [args.domainName, ...(args.subjectAlternativeNames ?? [])];

    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      {
        region: args.region,
        domainName: args.domainName,
        subjectAlternativeNames: args.subjectAlternativeNames,
        validationMethod: "DNS",
        keyAlgorithm: "EC_prime256v1",
        options: { certificateTransparencyLoggingPreference: "ENABLED" },
      },
      { parent: this },
    );

    // One validation record per name; names are known when the program runs, so the record
    // resources are too (no resources created inside an apply).
    //
    // ACM gives one validation record per name and account, in every region: the regions'
    // certificates for the API name share one Route 53 record, each region's resource writing the
    // same value (`allowOverwrite`). Deleting a region's resource would delete that record while
    // the other regions' certificates still renew through it, and renewal fails silently until
    // the certificate expires (the alarm fires 30 days ahead). So the record stays in the zone when
    // its resource goes (`retainOnDelete`); a leftover validation CNAME answers nothing a client asks.
    const validationRecords = names.map(
      (domain, i) =>
        new aws.route53.Record(
          `${name}-validation-${i + 1}`,
          {
            zoneId: args.zoneId,
            name: certificate.domainValidationOptions.apply((options) => validationOption(options, domain).resourceRecordName),
            type: certificate.domainValidationOptions.apply((options) => validationOption(options, domain).resourceRecordType),
            records: [certificate.domainValidationOptions.apply((options) => validationOption(options, domain).resourceRecordValue)],
            ttl: args.validationTtl,
            allowOverwrite: true,
          },
          { parent: this, retainOnDelete: true },
        ),
    );

    const validation = new aws.acm.CertificateValidation(
      `${name}-validation`,
      {
        region: args.region,
        certificateArn: certificate.arn,
        validationRecordFqdns: validationRecords.map((record) => record.fqdn),
      },
      { parent: this },
    );

    this.certificateArn = validation.certificateArn;
    this.registerOutputs({ certificateArn: this.certificateArn });
  }
}

function validationOption(options: aws.types.output.acm.CertificateDomainValidationOption[], domain: string): aws.types.output.acm.CertificateDomainValidationOption {
  const option = options.find((o) => o.domainName === domain);
  if (!option) throw new Error(`ACM returned no DNS validation option for ${domain}`);
  return option;
}
