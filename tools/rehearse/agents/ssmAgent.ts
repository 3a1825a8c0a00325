/**
 * STAND-IN for SSM Agent, built by the host rehearsal (the real agent cannot be downloaded where
 * the rehearsal runs). It registers the instance as the real agent does at start
 * (UpdateInstanceInformation through the `ssm` endpoint, signed with the role's credentials) and
 * repeats it every minute; it opens no Session Manager channel.
 */
import { metadata, say, signedPost } from "./host";

async function register(): Promise<void> {
  const region = (await metadata("meta-data/placement/region")).trim();
  const instance = (await metadata("meta-data/instance-id")).trim();
  const answer = await signedPost(
    "ssm",
    region,
    { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.UpdateInstanceInformation" },
    JSON.stringify({ InstanceId: instance, AgentName: "amazon-ssm-agent", AgentVersion: "0.0.0-rehearsal-stand-in", PlatformType: "Linux", PlatformName: "Debian GNU/Linux" }),
  );
  say(`UpdateInstanceInformation ${instance}: ${answer.status}${answer.status === 200 ? "" : ` ${answer.body.slice(0, 200)}`}`);
}

const tick = () => register().catch((error: Error) => say(`UpdateInstanceInformation failed: ${error.message}`));
void tick();
setInterval(tick, 60_000);
