/**
 * Service-linked roles: roles at /aws-service-role/SERVICE/ that an AWS service (auto scaling,
 * load balancing, spot...) assumes; only the service-linked-role operations may delete them.
 * Deletion happens at once; its task then reports SUCCEEDED.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceHandlers } from '../handler.ts';
import { create, iso, mustGet } from './common.ts';
import { invalidInput, noSuch } from './errors.ts';
import { iamArn, uniqueId } from './ids.ts';
import type { RoleRecord } from './repository.ts';
import { roleOut } from './roles.ts';
import type { IamState } from './state.ts';
import { SERVICE_LINKED_ROLE_NAMES } from './service-linked-role-names.ts';

export const isServiceLinked = (r: RoleRecord): boolean => r.path.startsWith('/aws-service-role/');

export function serviceLinkedRoleHandlers(s: IamState): ServiceHandlers {
  return {
    async CreateServiceLinkedRole(
      input: { AWSServiceName: string; Description?: string; CustomSuffix?: string },
      ctx,
    ) {
      const service = input.AWSServiceName;
      const base = SERVICE_LINKED_ROLE_NAMES[service];
      // AWS's wording for a principal without a service-linked role is not documented.
      if (!base) throw invalidInput(`Invalid service principal ${service}`);
      const name = input.CustomSuffix ? `${base}_${input.CustomSuffix}` : base;
      const path = `/aws-service-role/${service}/`;
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }],
      });
      const role: RoleRecord = {
        name,
        id: uniqueId('AROA'),
        path,
        arn: iamArn(ctx.accountId, 'role', path, name),
        createdAt: iso(ctx.now),
        tags: [],
        trust,
        ...(input.Description !== undefined && { description: input.Description }),
        maxSessionDuration: 3600,
      };
      if (await s.repo.getEntity(ctx.accountId, 'role', name)) {
        throw invalidInput(
          `Service role name ${name} has been taken in this account, please try a different suffix.`,
        );
      }
      await create(s, ctx, 'role', role);
      const { RoleLastUsed: _r, ...out } = roleOut(role);
      return { Role: out };
    },

    async DeleteServiceLinkedRole(input: { RoleName: string }, ctx) {
      const r = await mustGet(s, ctx, 'role', input.RoleName);
      if (!isServiceLinked(r)) throw invalidInput(`Role ${r.name} is not a service-linked role.`);
      await s.repo.deleteEntity(ctx.accountId, 'role', r);
      s.changed();
      return { DeletionTaskId: `task${r.path}${r.name}/${randomUUID()}` };
    },

    async GetServiceLinkedRoleDeletionStatus(input: { DeletionTaskId: string }, ctx) {
      const m = /^task\/aws-service-role\/[^/]+\/([^/]+)\/[0-9a-f-]{36}$/.exec(input.DeletionTaskId);
      if (!m) throw noSuch(`Deletion task ${input.DeletionTaskId} cannot be found.`);
      const still = await s.repo.getEntity(ctx.accountId, 'role', m[1]!);
      return { Status: still ? 'IN_PROGRESS' : 'SUCCEEDED' };
    },
  };
}
