/**
 * vCPUs and memory of the EC2 instance types the capacity policies know, for the common x86
 * families of an nginx proxy host. Sizing lives in this table; `instanceTypeSpec` reads it.
 * Incident 000: both proxies ran out of memory; judging nginx's worst case needs the host's memory.
 *
 * Figures from the EC2 instance-type pages (last verified 2026-11-23). To add a type, add its
 * family's sizes here (`sizesByFamily`) or its row to `explicitTypes`.
 *
 * Pure module: no Pulumi imports.
 */

export interface InstanceTypeSpec {
  vcpus: number;
  memoryMiB: number;
}

/** Memory per vCPU, in GiB, of the fixed-ratio families. */
const gibPerVcpu = { c: 2, m: 4, r: 8 } as const;

/** vCPUs of a size: `large` 2, `xlarge` 4, `<N>xlarge` 4N. */
function sizeVcpus(size: string): number {
  if (size === "large") return 2;
  const match = /^(\d*)xlarge$/.exec(size);
  if (!match) throw new Error(`unknown instance size ${size}`);
  return 4 * Number(match[1] || 1);
}

/** The sizes each fixed-ratio family offers (metal and flex sizes left out). */
const sizesByFamily: Record<string, string[]> = {
  c5: ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"],
  c6i: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"],
  c7i: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
  m5: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"],
  m6i: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"],
  m7i: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
  r6i: ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"],
};

/** Types that do not follow a fixed memory-per-vCPU ratio (burstable t3). */
const explicitTypes: Record<string, InstanceTypeSpec> = {
  "t3.nano": { vcpus: 2, memoryMiB: 512 },
  "t3.micro": { vcpus: 2, memoryMiB: 1024 },
  "t3.small": { vcpus: 2, memoryMiB: 2048 },
  "t3.medium": { vcpus: 2, memoryMiB: 4096 },
  "t3.large": { vcpus: 2, memoryMiB: 8192 },
  "t3.xlarge": { vcpus: 4, memoryMiB: 16384 },
  "t3.2xlarge": { vcpus: 8, memoryMiB: 32768 },
};

function buildTable(): Record<string, InstanceTypeSpec> {
  const table: Record<string, InstanceTypeSpec> = {};
  for (const [family, sizes] of Object.entries(sizesByFamily)) {
    const ratio = gibPerVcpu[family[0] as keyof typeof gibPerVcpu];
    for (const size of sizes) {
      const vcpus = sizeVcpus(size);
      table[`${family}.${size}`] = { vcpus, memoryMiB: vcpus * ratio * 1024 };
    }
  }
  return { ...table, ...explicitTypes };
}

/** Every known instance type, `c6i.large` → { vcpus: 2, memoryMiB: 4096 }. */
export const instanceTypes: Readonly<Record<string, InstanceTypeSpec>> = buildTable();

/** The type's figures, or undefined when the table does not know it. */
export function instanceTypeSpec(instanceType: string): InstanceTypeSpec | undefined {
  return instanceTypes[instanceType];
}

/** Known types of the same family, smallest memory first: candidates for a bigger host. */
export function familyBySize(instanceType: string): string[] {
  const family = instanceType.split(".")[0];
  return Object.keys(instanceTypes)
    .filter((type) => type.split(".")[0] === family)
    .sort((a, b) => instanceTypes[a]!.memoryMiB - instanceTypes[b]!.memoryMiB || instanceTypes[a]!.vcpus - instanceTypes[b]!.vcpus);
}

/** Where to add an unknown type: the sentence a violation ends with. */
export const howToAddInstanceType = "add its vCPUs and memory to models/capacity/instanceTypes.ts (sizesByFamily or explicitTypes)";
