import type { DeployedService } from '../model/deployment';

/**
 * Several rules ask the same question of a service in one analysis. A deployment is built anew
 * for every analysis, so answers keyed by its service objects never outlive it.
 */
export function remember<Result>(answers: WeakMap<DeployedService, Result>, service: DeployedService, compute: () => Result): Result {
  if (answers.has(service)) return answers.get(service) as Result;
  const answer = compute();
  answers.set(service, answer);
  return answer;
}
