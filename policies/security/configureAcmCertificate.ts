/**
 * configure-acm-certificate — mandatory. Security baseline; no post-mortem of its own.
 *
 * Every ACM certificate is logged in the certificate transparency logs (browsers distrust a
 * certificate missing from them, and the logs are how a mis-issued certificate for the zone is
 * noticed), has a key of RSA 2048 bits or more or an EC key, and names no wildcard (a wildcard's
 * key serves every name of the zone, the snippet's host included). DNS validation is
 * enforce-dns-validation's. Controls: policies/metadata.ts.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { cite } from "../metadata";

const name = "configure-acm-certificate";

export interface AcmCertificateSubject {
  name: string;
  transparencyLogging?: string;
  keyAlgorithm?: string;
  names: string[];
}

/** RSA key sizes below 2,048 bits (ACM's `keyAlgorithm` values). */
const shortRsaKeys = new Set(["RSA_1024"]);

export function judgeAcmCertificate(cert: AcmCertificateSubject): string[] {
  const out: string[] = [];
  if ((cert.transparencyLogging ?? "ENABLED") !== "ENABLED") {
    out.push(
      `certificate ${cert.name} is kept out of the certificate transparency logs (certificateTransparencyLoggingPreference ${cert.transparencyLogging}); required is ENABLED. ` +
        `Browsers refuse unlogged certificates, and the logs are how a certificate mis-issued for the zone is seen. Set options.certificateTransparencyLoggingPreference "ENABLED". ${cite(name, "transparencyLogging")}`,
    );
  }
  if (cert.keyAlgorithm && shortRsaKeys.has(cert.keyAlgorithm)) {
    out.push(`certificate ${cert.name} uses ${cert.keyAlgorithm}; required is RSA_2048 or longer, or an EC key. Set keyAlgorithm "EC_prime256v1". ${cite(name, "keyLength")}`);
  }
  const wildcards = cert.names.filter((n) => n.includes("*"));
  if (wildcards.length > 0) {
    out.push(`certificate ${cert.name} names ${wildcards.join(", ")}: its key serves every name of the zone. Request a certificate per host name. ${cite(name, "wildcard")}`);
  }
  return out;
}

export const configureAcmCertificate: ResourceValidationPolicy = {
  name,
  description: "ACM certificates are logged for certificate transparency, use RSA 2048+ or EC keys, and name no wildcard.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.acm.Certificate, (cert, args, reportViolation) => {
    const messages = judgeAcmCertificate({
      name: cert.domainName ?? args.name,
      transparencyLogging: cert.options?.certificateTransparencyLoggingPreference,
      keyAlgorithm: cert.keyAlgorithm,
      names: [cert.domainName, ...(cert.subjectAlternativeNames ?? [])].filter((n): n is string => typeof n === "string"),
    });
    for (const message of messages) reportViolation(message);
  }),
};
