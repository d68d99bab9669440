/**
 * EC2 e2e support: a server with metadata-only machines and the x86_64 Amazon image
 * (useEc2Server), launching, waiting.
 */
import {
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { errorFields } from './errors.ts';
import { useServer, type UsedServer } from './use-server.ts';

/** The id of the catalog's x86_64 Amazon image. */
async function amazonImage(ec2: EC2Client): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  return images.Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
}

export interface UsedEc2Server extends UsedServer {
  /** The x86_64 Amazon image's id; a function since it is only known once the server is up. */
  ami(): string;
}

/**
 * `useServer` with metadata-only machines and the Amazon image looked up: a file's
 * `const { server, ec2, ami } = useEc2Server()`. The file's own setup goes in `setup`, which runs
 * after the image is known.
 */
export function useEc2Server(
  options: { region?: string; setup?: (used: UsedEc2Server) => Promise<void> } = {},
): UsedEc2Server {
  let image: string | undefined;
  const used: UsedEc2Server = {
    ...useServer({
      args: ['--machines=metadata'],
      region: options.region,
      setup: async ({ ec2 }) => {
        image = await amazonImage(ec2);
        await options.setup?.(used);
      },
    }),
    ami: () => {
      if (!image) throw new Error('the EC2 image is used before the server is up');
      return image;
    },
  };
  return used;
}

/** Waiter settings: poll every second for up to a minute. */
export const wait = { maxWaitTime: 60, minDelay: 1, maxDelay: 1 };

/** The name and message of what a failed SDK call threw, as EC2 tests compare them. */
export const errorOf = (p: Promise<unknown>) => errorFields(p, 'name', 'message');

/** Runs one t3.micro of `imageId`, with any further RunInstances fields, and returns it as launched. */
export async function launch(
  ec2: EC2Client,
  imageId: string,
  extra: Partial<RunInstancesCommandInput> = {},
): Promise<Instance> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      ...extra,
    }),
  );
  return out.Instances![0]!;
}
