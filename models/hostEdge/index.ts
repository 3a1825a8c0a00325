/**
 * The rendered host edge of an ingestion host: nginx config, cloud-init user data and the nginx
 * memory model (incidents 000 and 003). Pure: no Pulumi imports.
 */
export * from "./settings";
export * from "./buffers";
export * from "./nginxConfig";
export * from "./userData";
export * from "./memory";
export * from "./bundle";
export * from "./kernel";
export * from "./nginxConfigReader";
