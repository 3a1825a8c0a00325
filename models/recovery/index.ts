/** The recovery-time model: worst-case detection and recovery per failure mode, from declared resources. Pure: no Pulumi imports. */
export * from "./recoveryTime";
