import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isStaffRole, ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP } from '@ecogrid/staff-auth';
import type { StoredUser, UserDirectory } from '../../app/ports';

const userSchema = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . _ -'),
    displayName: z.string().min(1).max(64),
    role: z.string().refine(isStaffRole, 'not a staff role of @ecogrid/staff-auth'),
    officerId: z.string().min(1).optional(),
    townshipCode: z.string().min(1).optional(),
    passwordHash: z.string().startsWith('scrypt$'),
  })
  .superRefine((user, context) => {
    if (isStaffRole(user.role) && ROLES_NEEDING_OFFICER.has(user.role) && !user.officerId) context.addIssue({ code: 'custom', message: `a ${user.role} needs an officerId`, path: ['officerId'] });
    if (isStaffRole(user.role) && ROLES_NEEDING_TOWNSHIP.has(user.role) && !user.townshipCode) context.addIssue({ code: 'custom', message: `a ${user.role} needs a townshipCode`, path: ['townshipCode'] });
  });

const fileSchema = z.object({ users: z.array(userSchema).min(1) });

/** The staff who may log in, read once at start-up from a JSON file; a bad file stops the start, naming the entry. */
export function loadUsersFile(path: string): UserDirectory {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`invalid users file ${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const users = new Map<string, StoredUser>();
  for (const user of parsed.data.users) {
    if (users.has(user.username)) throw new Error(`invalid users file ${path}: ${user.username} appears twice`);
    if (!isStaffRole(user.role)) continue;
    users.set(user.username, { ...user, role: user.role });
  }
  return { find: (username) => users.get(username) };
}
