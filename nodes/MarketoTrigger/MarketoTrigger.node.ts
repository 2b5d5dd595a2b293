import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { marketoApiConnectionTest } from '../Marketo/methods/credentialTest';
import { listSearch } from '../Marketo/methods/listSearch';
import { loadOptions } from '../Marketo/methods/loadOptions';
import { marketoClient } from '../Marketo/transport';
import { pollActivities } from './activities';
import { isActivityEvent } from './activityEvents';
import { activityEventOptions, activityFields } from './activityFields';
import { exportJobFields, pollExports } from './exportJobs';
import { importBatchFields, pollImports } from './importBatches';

export class MarketoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketo Trigger',
		name: 'marketoTrigger',
		icon: { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node picker merges the Marketo node and this trigger into one "Marketo" entry and shows this
		// description for both, so it speaks for the pair
		description: 'Marketo leads, static lists, campaigns, programs and bulk jobs; the trigger starts a workflow on new leads, lead changes, form fill-outs, list additions and other activities, or when a bulk export or import job finishes',
		defaults: { name: 'Marketo Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'marketoApi', required: true, testedBy: 'marketoApiConnectionTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					...activityEventOptions,
					{ name: 'Bulk Export Job Finished', value: 'exportFinished', description: 'An export job of this API user reached one of the chosen statuses' },
					{ name: 'Bulk Import Job Finished', value: 'importFinished', description: 'A watched import batch reached Complete or Failed' },
				],
				default: 'exportFinished',
			},
			...activityFields,
			...exportJobFields,
			...importBatchFields,
		],
	};

	methods = {
		credentialTest: { marketoApiConnectionTest },
		loadOptions: { getLeadFields: loadOptions.getLeadFields, getActivityTypes: loadOptions.getActivityTypes },
		listSearch: { searchStaticLists: listSearch.searchStaticLists },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as string;
		const client = await marketoClient(this);
		if (isActivityEvent(event)) return await pollActivities(this, client, event);
		return event === 'exportFinished' ? await pollExports(this, client) : await pollImports(this, client);
	}
}
