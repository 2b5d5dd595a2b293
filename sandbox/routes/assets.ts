import type { Route } from '../context';

export const assetRoutes: Route[] = [];
