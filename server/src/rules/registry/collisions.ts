import { containerNameConflict } from '../collisions/container-name-conflict';
import { hostPortConflict } from '../collisions/host-port-conflict';
import type { Rule } from '../rule';

export const collisionRules: readonly Rule[] = [containerNameConflict, hostPortConflict];
