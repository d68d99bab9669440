/** A test server with metadata-only machines, an EC2 client on it and an x86_64 Amazon image. */
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { sdkConfig, startTestServer, type TestServer } from './server.ts';

export async function startEc2Server(
  region = 'us-east-1',
): Promise<{ server: TestServer; ec2: EC2Client; ami: string }> {
  const server = await startTestServer(['--machines=metadata']);
  const ec2 = new EC2Client(sdkConfig(server, server.credentials, region));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const ami = images.Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
  return { server, ec2, ami };
}
