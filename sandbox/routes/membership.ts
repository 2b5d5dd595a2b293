import type { Route } from '../context';

export const membershipRoutes: Route[] = [];
