import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MarketoClient } from '../../transport';
import { assetLocator, locatorId } from './locators';

/** The program, everywhere a program is asked for: picked, given by ID, or its URL (`…/#PG1034A1`). */
export function programLocator(description: string): INodeProperties {
	return assetLocator({ name: 'program', displayName: 'Program', description, noun: 'program', searchListMethod: 'searchPrograms', urlCode: 'PG', exampleId: 1034 });
}

export function programId(fn: IExecuteFunctions, itemIndex: number): number {
	return locatorId(fn, itemIndex, 'program', 'Program');
}

export interface ProgramMemberField {
	name: string;
	displayName?: string;
	dataType?: string;
	updateable?: boolean;
}

export interface ProgramMemberDescribe {
	searchableFields?: string[][];
	fields?: ProgramMemberField[];
}

/** The instance's program member fields and search keys (`GET /rest/v1/programs/members/describe.json`). */
export async function describeProgramMembers(client: MarketoClient): Promise<ProgramMemberDescribe> {
	const answer = await client.request<ProgramMemberDescribe>({ method: 'GET', path: '/rest/v1/programs/members/describe.json' });
	return answer.result?.[0] ?? {};
}
