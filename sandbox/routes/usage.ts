/** Marketo's count of the instance's API calls today (Swagger: getDailyUsageUsingGET). */
import type { Route } from '../context';
import { successBody } from '../envelope';

export const usageRoutes: Route[] = [
	{ method: 'GET', path: /^\/rest\/v1\/stats\/usage\.json$/, need: 'none', handle: (ctx) => successBody([ctx.state.dailyUsage()]) },
];
