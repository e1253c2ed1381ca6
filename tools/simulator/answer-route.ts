import type { ItemRoutes } from './item-routes';
import type { Route } from './routes';
import { armError, type Reply, type SimVault } from './vault';

/** Where a route's answer comes from: jobs and operations in the vault, protected items and triggers in the item routes. */
export interface RouteTargets {
  vault: SimVault;
  itemRoutes: ItemRoutes;
  /** The server's base URL, for the Location and Azure-AsyncOperation headers and nextLink. */
  origin: string;
}

export function answerRoute(targets: RouteTargets, route: Route, query: URLSearchParams, path: string): Reply {
  const { vault, itemRoutes, origin } = targets;
  switch (route.kind) {
    case 'getJob':
      return vault.getJob(route);
    case 'listJobs':
      return vault.listJobs(route, query, origin);
    case 'cancel':
      return vault.cancel(route, origin);
    case 'trigger':
      return itemRoutes.trigger(route, origin);
    case 'listItems':
      return itemRoutes.list(route, query);
    case 'getItem':
      return itemRoutes.get(route);
    case 'jobOperationResult':
      return vault.jobOperationResult(route, origin);
    case 'operationStatus':
      return vault.operationStatus(route);
    case 'operationResult':
      return vault.operationResult(route, origin, path);
    case 'badPath':
      return armError(400, 'InvalidRequestUri', 'The request URI is not valid.');
    case 'unknown':
      return armError(404, 'NotFound', `No route for '${path}' in the simulated vault.`);
  }
}
