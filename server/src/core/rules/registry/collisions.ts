import { containerNameConflict } from '../container-name-conflict';
import { hostPortConflict } from '../host-port-conflict';
import type { Rule } from '../rule';

export const collisionRules: readonly Rule[] = [containerNameConflict, hostPortConflict];
