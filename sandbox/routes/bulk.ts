import type { Route } from '../context';

export const bulkRoutes: Route[] = [];
