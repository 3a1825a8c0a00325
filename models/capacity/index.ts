/**
 * The capacity model of the ingestion fleet (incidents 000 and 002): instance types, proxy memory,
 * fleet capacity with a region lost, the datastore connection budget, and how they are read back
 * from declared resources. Pure: no Pulumi imports.
 */
export * from "./instanceTypes";
export * from "./tags";
export * from "./fleet";
export * from "./datastore";
export * from "./proxyMemory";
export * from "./declared";
export * from "./summary";
