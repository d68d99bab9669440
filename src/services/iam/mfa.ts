/**
 * Virtual MFA devices: created with a TOTP seed (shown once), enabled for a user with two
 * consecutive codes, then required by GetSessionToken / AssumeRole when SerialNumber and TokenCode
 * are passed (aws:MultiFactorAuthPresent). Hardware and U2F devices do not exist in Stratus.
 */
import type { Principal } from '../../auth/principal.ts';
import { AwsError } from '../../errors.ts';
import type { HandlerContext, ServiceHandlers } from '../handler.ts';
import {
  byPrefix,
  create,
  date,
  iso,
  mustGet,
  page,
  save,
  tagsOut,
  type Paged,
  tagHandlers,
} from './common.ts';
import { checkTags } from './tags.ts';
import { deleteConflict, limitExceeded, noSuch } from './errors.ts';
import { userOut } from './users.ts';
import type { MfaDeviceRecord, Tag } from './repository.ts';
import type { IamState } from './state.ts';
import { matchStep, newSeed } from './totp.ts';

export const MFA_DEVICES_PER_USER = 8;

const invalidCode = () =>
  new AwsError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403);

/** The device a serial number (its ARN) names in an account. */
async function deviceBySerial(
  s: IamState,
  accountId: string,
  serial: string,
): Promise<MfaDeviceRecord | undefined> {
  const m = /^arn:aws:iam::(\d{12}):mfa\/(?:.*\/)?([^/]+)$/.exec(serial);
  if (!m || m[1] !== accountId) return undefined;
  const d = await s.repo.getEntity(accountId, 'mfa-device', m[2]!);
  return d?.arn === serial ? d : undefined;
}

/**
 * Checks a code of the caller's MFA device (an IAM user's, long-term credentials). With `consume`
 * the code's time step is used up (a code works once); without, it is only checked.
 */
export async function verifyMfa(
  s: IamState,
  p: Principal,
  serial: string,
  code: string,
  now: Date,
  consume: boolean,
): Promise<boolean> {
  if (p.type !== 'IAMUser') return false;
  const d = await deviceBySerial(s, p.accountId, serial);
  if (!d || d.userId !== p.userId) return false;
  const step = matchStep(d.seed, code, now, d.usedStep ?? -1);
  if (step === undefined) return false;
  if (consume) {
    await s.repo.saveEntity(p.accountId, 'mfa-device', { ...d, usedStep: step });
  }
  return true;
}

export function mfaHandlers(s: IamState): ServiceHandlers {
  async function mustDevice(
    ctx: HandlerContext,
    serial: string,
    missing = `VirtualMFADevice with serial number ${serial} doesn't exist.`,
  ): Promise<MfaDeviceRecord> {
    const d = await deviceBySerial(s, ctx.accountId, serial);
    if (!d) throw noSuch(missing);
    return d;
  }
  /** Delete and Deactivate word a missing device so (LocalStack's AWS-recorded test_iam_mfa). */
  const notExist = (serial: string) => `MFA Device with serial number ${serial} does not exist.`;
  async function userName(id: string | undefined): Promise<string | undefined> {
    return id ? (await s.repo.getEntityById('user', id))?.record.name : undefined;
  }

  const tags = tagHandlers(s, 'mfa-device', (i: { SerialNumber: string }, ctx: HandlerContext) =>
    mustDevice(ctx, i.SerialNumber),
  );
  return {
    async CreateVirtualMFADevice(input: { VirtualMFADeviceName: string; Path?: string; Tags?: Tag[] }, ctx) {
      const path = input.Path ?? '/';
      const arn = `arn:aws:iam::${ctx.accountId}:mfa${path}${input.VirtualMFADeviceName}`;
      const d: MfaDeviceRecord = {
        name: input.VirtualMFADeviceName,
        id: arn,
        path,
        arn,
        createdAt: iso(ctx.now),
        tags: checkTags(input.Tags, 'mfa-device'),
        seed: newSeed(),
      };
      try {
        await create(s, ctx, 'mfa-device', d);
      } catch (e) {
        if (e instanceof AwsError && e.code === 'EntityAlreadyExists')
          throw new AwsError(
            'EntityAlreadyExists',
            'MFA device already exists.', // AWS-recorded test_virtual_mfa_device_errors
            409,
          );
        throw e;
      }
      // The seed is shown here only (botocore and the SDKs base64-decode the blob).
      return {
        VirtualMFADevice: {
          SerialNumber: arn,
          Base32StringSeed: Buffer.from(d.seed, 'ascii'),
          Tags: tagsOut(d.tags),
        },
      };
    },

    async EnableMFADevice(
      input: {
        UserName: string;
        SerialNumber: string;
        AuthenticationCode1: string;
        AuthenticationCode2: string;
      },
      ctx,
    ) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const d = await mustDevice(ctx, input.SerialNumber);
      if (d.userId) throw new AwsError('EntityAlreadyExists', 'MFA Device is already in use.', 409);
      const all = await s.repo.listEntities(ctx.accountId, 'mfa-device');
      if (all.filter((x) => x.userId === u.id).length >= MFA_DEVICES_PER_USER)
        throw limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
      // Two consecutive codes prove the app holds the seed and its clock is close.
      const first = matchStep(d.seed, input.AuthenticationCode1, ctx.now, -1, 2);
      const second =
        first === undefined ? undefined : matchStep(d.seed, input.AuthenticationCode2, ctx.now, first, 2);
      if (first === undefined || second !== first + 1) throw invalidCode();
      await save(s, ctx, 'mfa-device', { ...d, userId: u.id, enabledAt: iso(ctx.now), usedStep: second });
      return {};
    },

    async ResyncMFADevice(
      input: {
        UserName: string;
        SerialNumber: string;
        AuthenticationCode1: string;
        AuthenticationCode2: string;
      },
      ctx,
    ) {
      const u = await mustGet(s, ctx, 'user', input.UserName);
      const d = await mustDevice(ctx, input.SerialNumber);
      if (d.userId !== u.id)
        throw noSuch(`MFA Device with serial number ${input.SerialNumber} does not exist.`);
      const first = matchStep(d.seed, input.AuthenticationCode1, ctx.now, -1, 10);
      const second =
        first === undefined ? undefined : matchStep(d.seed, input.AuthenticationCode2, ctx.now, first, 10);
      if (first === undefined || second !== first + 1) throw invalidCode();
      await save(s, ctx, 'mfa-device', { ...d, usedStep: second });
      return {};
    },

    async DeactivateMFADevice(input: { UserName?: string; SerialNumber: string }, ctx) {
      // The user first: AWS names a missing user before looking at the device.
      const owner = input.UserName !== undefined ? await mustGet(s, ctx, 'user', input.UserName) : undefined;
      const d = await mustDevice(ctx, input.SerialNumber, notExist(input.SerialNumber));
      if (!d.userId || (owner && owner.id !== d.userId))
        throw noSuch(`MFA Device with serial number ${input.SerialNumber} does not exist.`);
      const { userId: _u, enabledAt: _e, ...rest } = d;
      await save(s, ctx, 'mfa-device', rest);
      return {};
    },

    async DeleteVirtualMFADevice(input: { SerialNumber: string }, ctx) {
      const d = await mustDevice(ctx, input.SerialNumber, notExist(input.SerialNumber));
      if (d.userId) throw deleteConflict('MFA VirtualDevice in use. Must deactivate first.');
      await s.repo.deleteEntity(ctx.accountId, 'mfa-device', d);
      s.changed();
      return {};
    },

    async ListMFADevices(input: Paged & { UserName?: string }, ctx) {
      let userId: string | undefined;
      if (input.UserName !== undefined) userId = (await mustGet(s, ctx, 'user', input.UserName)).id;
      else if (ctx.principal.type === 'IAMUser') userId = ctx.principal.userId;
      const all = (await s.repo.listEntities(ctx.accountId, 'mfa-device')).filter(
        (d) => d.userId && d.userId === userId,
      );
      const p = page(all, input);
      const items = [];
      for (const d of p.items)
        items.push({
          UserName: await userName(d.userId),
          SerialNumber: d.arn,
          EnableDate: date(d.enabledAt!),
        });
      return { MFADevices: items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },

    TagMFADevice: tags.tag,
    UntagMFADevice: tags.untag,
    ListMFADeviceTags: tags.list,

    async ListVirtualMFADevices(
      input: Paged & { AssignmentStatus?: 'Assigned' | 'Unassigned' | 'Any' },
      ctx,
    ) {
      const status = input.AssignmentStatus ?? 'Any';
      const all = byPrefix(await s.repo.listEntities(ctx.accountId, 'mfa-device'), undefined).filter((d) =>
        status === 'Any' ? true : status === 'Assigned' ? !!d.userId : !d.userId,
      );
      const p = page(all, input);
      const items = [];
      for (const d of p.items) {
        const u = d.userId ? await s.repo.getEntityById('user', d.userId) : undefined;
        items.push({
          SerialNumber: d.arn,
          ...(u && { User: userOut(u.record, false), EnableDate: date(d.enabledAt!) }),
          Tags: tagsOut(d.tags),
        });
      }
      return { VirtualMFADevices: items, IsTruncated: p.IsTruncated, Marker: p.Marker };
    },
  };
}

/** Whether a user has an MFA device enabled (DeleteUser refuses then). */
export async function hasMfaDevice(s: IamState, accountId: string, userId: string): Promise<boolean> {
  return (await s.repo.listEntities(accountId, 'mfa-device')).some((d) => d.userId === userId);
}
