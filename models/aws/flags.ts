/**
 * Boolean inputs of the AWS provider as declared: the provider stores several as strings
 * (`"true"`/`"false"`), a program may pass booleans; both spellings mean the same.
 *
 * Pure module: no Pulumi imports.
 */

/** Whether a provider flag is set: `true` or `"true"`. */
export function isFlagSet(value: unknown): boolean {
  return value === true || value === "true";
}

/** Whether a launch template's network interfaces give its hosts a public IPv4 address. */
export function launchTemplateAssignsPublicIpv4(inputs: { networkInterfaces?: unknown }): boolean {
  const interfaces = Array.isArray(inputs.networkInterfaces) ? (inputs.networkInterfaces as { associatePublicIpAddress?: unknown }[]) : [];
  return interfaces.some((i) => isFlagSet(i.associatePublicIpAddress));
}
