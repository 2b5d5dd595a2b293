import type { INodeExecutionData } from 'n8n-workflow';

import { systemClock } from '../../transport';
import type { OperationContext } from '../types';
import { forEachItem } from '../shared/items';
import type { ExportRun } from './jobs';

export function exportRun(context: OperationContext): ExportRun {
	return {
		client: context.client,
		node: context.fn.getNode(),
		clock: systemClock,
		log: (message) => context.fn.logger.debug(message),
	};
}

/**
 * Runs `handler` for each input item; it returns whole output items (with binary data). Failures are handled as
 * forEachItem handles them (stop naming the item, or an error item with "Continue On Fail"); output stays in
 * input order.
 */
export async function itemsPerInput(
	context: OperationContext,
	handler: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const produced: INodeExecutionData[][] = [];
	const failed = await forEachItem(context, async (i) => {
		produced[i] = await handler(i);
		return [];
	});
	const failedAt = new Map(failed.map((item) => [(item.pairedItem as { item: number }).item, item]));
	return context.items.flatMap((_, i) => produced[i] ?? (failedAt.has(i) ? [failedAt.get(i)!] : []));
}
