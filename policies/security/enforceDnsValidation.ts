/**
 * enforce-dns-validation — mandatory. Security baseline, and the certificate renewal
 * that nobody must remember.
 *
 * ACM certificates are validated through DNS (`validationMethod: "DNS"`): ACM renews them by
 * itself as long as the validation CNAME stays in the zone. Email-validated certificates wait for
 * someone to click a link each year; imported ones never renew. `DnsValidatedCertificate`
 * (components/certificate.ts) is the one way this program asks for a certificate.
 *
 * Controls: policies/metadata.ts.
 */
import { cite } from "../metadata";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface CertificateSubject {
  name: string;
  validationMethod?: string;
  /** Set when the certificate is imported rather than issued by ACM. */
  certificateBody?: string;
}

export function judgeCertificateValidation(cert: CertificateSubject): string | undefined {
  if (cert.certificateBody !== undefined) {
    return (
      `certificate ${cert.name} is imported (certificateBody set): ACM never renews it. ` +
      `Request it from ACM with validationMethod "DNS" (components/certificate.ts DnsValidatedCertificate). ${cite("enforce-dns-validation", "dnsValidated")}`
    );
  }
  if (cert.validationMethod === "DNS") return undefined;
  return (
    `certificate ${cert.name} is validated by ${cert.validationMethod ?? "no method"}, required is DNS: ACM renews DNS-validated certificates without anyone acting. ` +
    `Set validationMethod: "DNS" and keep the validation record in the zone (components/certificate.ts DnsValidatedCertificate). ${cite("enforce-dns-validation", "dnsValidated")}`
  );
}

export const enforceDnsValidation: ResourceValidationPolicy = {
  name: "enforce-dns-validation",
  description: "ACM certificates are DNS-validated, so they renew unattended.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.acm.Certificate, (cert, args, reportViolation) => {
    const message = judgeCertificateValidation({
      name: cert.domainName ?? args.name,
      validationMethod: cert.validationMethod,
      certificateBody: cert.certificateBody,
    });
    if (message) reportViolation(message);
  }),
};
