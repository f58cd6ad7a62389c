/**
 * The Python client's "AWS integration": the host's AWS unique id as a global dimension, so that
 * SignalFx joins its datapoints with what the AWS integration knows of the instance.
 *
 *   npx tsx examples/aws_integration.ts
 *   SPLUNK_ACCESS_TOKEN=... SPLUNK_REALM=us1 npx tsx examples/aws_integration.ts
 *
 * On EC2 (IMDSv2 too) or in an ECS task the id is found; elsewhere it is undefined after at most
 * a second, and addDimensions skips it. AWS_EC2_METADATA_SERVICE_ENDPOINT and the other AWS
 * variables are honoured. getGcpId() and getAzureResourceId() do the same for GCP and Azure.
 */
import { AWS_ID_DIMENSION, getAwsUniqueId } from "effect-signalfx/promise"
import { connect } from "./support/connect.js"

const { done, sfx } = await connect()

const awsId = await getAwsUniqueId()
console.log(awsId === undefined ? "Not on AWS: no AWSUniqueId" : `${AWS_ID_DIMENSION} is ${awsId}`)
sfx.addDimensions({ [AWS_ID_DIMENSION]: awsId })

await sfx.send({
  gauges: [
    { metric: "myfunc.time", value: 532, timestamp: Date.now(), dimensions: { host: "server1", host_ip: "1.2.3.4" } }
  ]
})

await sfx.stop()
await done()
