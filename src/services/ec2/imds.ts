/**
 * The instance metadata service (169.254.169.254) as seen from inside one instance: IMDSv2
 * tokens (PUT /latest/api/token), meta-data, user-data, the identity document and the instance
 * profile role's credentials. Pure request → response; the machine driver routes a guest's HTTP
 * to it with the instance id (it knows which machine a connection comes from).
 */
import { randomBytes } from 'node:crypto';
import type { StoreBackend } from '../../store/backend.ts';
import { instanceRoleCredentials, type InstanceCredentials } from '../sts/instance-credentials.ts';
import type { InstanceDoc } from './instance-model.ts';
import type { Ec2Repository } from './store.ts';

export interface ImdsRequest {
  method: string;
  /** Path without query, e.g. `/latest/meta-data/instance-id`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export interface ImdsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MAX_TTL = 21600;

function text(status: number, body: string, headers: Record<string, string> = {}): ImdsResponse {
  return { status, headers: { 'content-type': 'text/plain', ...headers }, body };
}

// IMDS answers errors with a small HTML page, as EC2 does.
function error(status: number, title: string): ImdsResponse {
  const body = `<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>${status} - ${title}</title>\n </head>\n <body>\n  <h1>${status} - ${title}</h1>\n </body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html' }, body };
}

function region(doc: InstanceDoc): string {
  return doc.Placement.AvailabilityZone.replace(/[a-z]$/, '');
}

export class InstanceMetadataService {
  private readonly tokens = new Map<string, { instanceId: string; expires: number }>();
  private readonly credentials = new Map<string, InstanceCredentials>();

  constructor(
    private readonly repo: Ec2Repository,
    private readonly backend: StoreBackend,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(instanceId: string, req: ImdsRequest): Promise<ImdsResponse> {
    const found = await this.repo.findById<InstanceDoc>(instanceId);
    // Booting counts: a guest's first boot scripts ask while EC2 still says pending here (it
    // turns running once sshd answers), as they do on an instance EC2 already calls running.
    const state = found?.kind === 'instance' ? found.doc.State.Name : undefined;
    if (!found || (state !== 'running' && state !== 'pending')) return error(404, 'Not Found');
    const doc = found.doc;
    const options = (doc.MetadataOptions ?? {}) as { HttpTokens?: string; HttpEndpoint?: string };
    if (options.HttpEndpoint === 'disabled') return error(403, 'Forbidden');
    if (req.path === '/latest/api/token') {
      if (req.method !== 'PUT') return error(405, 'Method Not Allowed');
      // A request that came through a proxy is refused (IMDSv2's SSRF protection).
      if (req.headers['x-forwarded-for']) return error(403, 'Forbidden');
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL) return error(400, 'Bad Request');
      const token = randomBytes(42).toString('base64');
      this.tokens.set(token, { instanceId, expires: this.now().getTime() + ttl * 1000 });
      return text(200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return error(405, 'Method Not Allowed');
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (token !== undefined) {
      const t = this.tokens.get(token);
      if (!t || t.instanceId !== instanceId || t.expires <= this.now().getTime())
        return error(401, 'Unauthorized');
    } else if (options.HttpTokens === 'required') {
      return error(401, 'Unauthorized');
    }
    return this.get(found.scope.account, doc, req.path);
  }

  private async get(account: string, doc: InstanceDoc, path: string): Promise<ImdsResponse> {
    if (path === '/latest/user-data') {
      return doc._userData
        ? {
            status: 200,
            headers: { 'content-type': 'application/octet-stream' },
            body: Buffer.from(doc._userData, 'base64').toString('latin1'),
          }
        : error(404, 'Not Found');
    }
    if (path === '/latest/dynamic/instance-identity/document') {
      const identity = {
        accountId: account,
        architecture: doc.Architecture,
        availabilityZone: doc.Placement.AvailabilityZone,
        billingProducts: null,
        devpayProductCodes: null,
        marketplaceProductCodes: (doc._productCodes ?? []).map((p) => p.ProductCodeId),
        imageId: doc.ImageId,
        instanceId: doc.InstanceId,
        instanceType: doc.InstanceType,
        kernelId: null,
        pendingTime: doc.LaunchTime.replace(/\.\d{3}Z$/, 'Z'),
        privateIp: doc.PrivateIpAddress,
        ramdiskId: null,
        region: region(doc),
        version: '2017-09-30',
      };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(identity, null, 2),
      };
    }
    const prefix = '/latest/meta-data';
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return error(404, 'Not Found');
    const tree = await this.metaData(account, doc);
    const key = path.slice(prefix.length).replace(/^\/+/, '');
    const value = tree[key.replace(/\/$/, '')];
    if (typeof value === 'string') return text(200, value);
    // A directory: list its children (sub-directories end with '/').
    const dir = key === '' ? '' : key.endsWith('/') ? key : `${key}/`;
    const children = new Set<string>();
    for (const k of Object.keys(tree)) {
      if (!k.startsWith(dir) || k === dir) continue;
      const rest = k.slice(dir.length);
      const slash = rest.indexOf('/');
      children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    if (!children.size) return error(404, 'Not Found');
    return text(200, [...children].join('\n'));
  }

  private async metaData(account: string, doc: InstanceDoc): Promise<Record<string, string>> {
    const nic = doc.NetworkInterfaces[0] ?? {};
    const mac = String(nic.MacAddress ?? '');
    const t: Record<string, string> = {
      'ami-id': doc.ImageId,
      'ami-launch-index': String(doc.AmiLaunchIndex),
      'ami-manifest-path': '(unknown)',
      'block-device-mapping/ami': doc.RootDeviceName.replace('/dev/', ''),
      'block-device-mapping/root': doc.RootDeviceName,
      hostname: doc.PrivateDnsName,
      'instance-action': 'none',
      'instance-id': doc.InstanceId,
      'instance-life-cycle': 'on-demand',
      'instance-type': doc.InstanceType,
      'local-hostname': doc.PrivateDnsName,
      'local-ipv4': doc.PrivateIpAddress ?? '',
      mac,
      'placement/availability-zone': doc.Placement.AvailabilityZone,
      'placement/availability-zone-id': doc.Placement.AvailabilityZoneId ?? '',
      'placement/region': region(doc),
      'reservation-id': doc._reservationId,
      'security-groups': doc.SecurityGroups.map((g) => g.GroupName).join('\n'),
      'services/domain': 'amazonaws.com',
      'services/partition': 'aws',
      [`network/interfaces/macs/${mac}/device-number`]: '0',
      [`network/interfaces/macs/${mac}/interface-id`]: String(nic.NetworkInterfaceId ?? ''),
      [`network/interfaces/macs/${mac}/local-ipv4s`]: doc.PrivateIpAddress ?? '',
      [`network/interfaces/macs/${mac}/mac`]: mac,
      [`network/interfaces/macs/${mac}/security-group-ids`]: doc.SecurityGroups.map((g) => g.GroupId).join(
        '\n',
      ),
      [`network/interfaces/macs/${mac}/subnet-id`]: doc.SubnetId ?? '',
      [`network/interfaces/macs/${mac}/vpc-id`]: doc.VpcId ?? '',
    };
    if (doc.PublicIpAddress) {
      t['public-ipv4'] = doc.PublicIpAddress;
      t['public-hostname'] = doc.PublicDnsName;
      t[`network/interfaces/macs/${mac}/public-ipv4s`] = doc.PublicIpAddress;
    }
    if (doc._publicKey && doc.KeyName) {
      t['public-keys/0'] = 'openssh-key';
      t['public-keys/0/openssh-key'] = `${doc._publicKey.split(' ').slice(0, 2).join(' ')} ${doc.KeyName}\n`;
    }
    if (doc.IamInstanceProfile) {
      t['iam/info'] = JSON.stringify(
        {
          Code: 'Success',
          LastUpdated: this.now()
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z'),
          InstanceProfileArn: doc.IamInstanceProfile.Arn,
          InstanceProfileId: doc.IamInstanceProfile.Id,
        },
        null,
        2,
      );
      const creds = await this.roleCredentials(account, doc);
      if (creds) {
        t[`iam/security-credentials/${creds.RoleName}`] = JSON.stringify(
          {
            Code: 'Success',
            LastUpdated: this.now()
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
            Type: 'AWS-HMAC',
            AccessKeyId: creds.AccessKeyId,
            SecretAccessKey: creds.SecretAccessKey,
            Token: creds.SessionToken,
            Expiration: creds.Expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
          null,
          2,
        );
      }
    }
    return t;
  }

  /** The role's session for this instance, reused until 15 minutes before it expires. */
  private async roleCredentials(account: string, doc: InstanceDoc): Promise<InstanceCredentials | undefined> {
    const cached = this.credentials.get(doc.InstanceId);
    if (cached && cached.Expiration.getTime() - this.now().getTime() > 15 * 60 * 1000) return cached;
    const creds = await instanceRoleCredentials(this.backend, {
      accountId: account,
      instanceProfileArn: doc.IamInstanceProfile!.Arn,
      instanceId: doc.InstanceId,
      now: this.now(),
    });
    if (creds) this.credentials.set(doc.InstanceId, creds);
    else this.credentials.delete(doc.InstanceId);
    return creds;
  }
}
