import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, route } from './actions/router';
import { marketoApiConnectionTest } from './methods/credentialTest';
import { campaignListSearch } from './methods/campaignSearch';
import { listSearch } from './methods/listSearch';
import { loadOptions } from './methods/loadOptions';
import { programLoadOptions } from './methods/programOptions';
import { resourceMapping } from './methods/resourceMapping';

export class Marketo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketo',
		name: 'marketo',
		icon: { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage leads, lead partitions, static lists and bulk jobs, and read activities, in Adobe Marketo Engage',
		defaults: { name: 'Marketo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'marketoApi', required: true, testedBy: 'marketoApiConnectionTest' }],
		properties: buildProperties(),
	};

	methods = {
		loadOptions: { ...loadOptions, ...programLoadOptions },
		listSearch: { ...listSearch, ...campaignListSearch },
		resourceMapping,
		credentialTest: { marketoApiConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
