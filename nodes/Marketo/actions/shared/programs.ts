import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { assetLocator, locatorId } from './locators';

/** The program, everywhere a program is asked for: picked, given by ID, or its URL (`…/#PG1034A1`). */
export function programLocator(description: string): INodeProperties {
	return assetLocator({ name: 'program', displayName: 'Program', description, noun: 'program', searchListMethod: 'searchPrograms', urlCode: 'PG', exampleId: 1034 });
}

export function programId(fn: IExecuteFunctions, itemIndex: number): number {
	return locatorId(fn, itemIndex, 'program', 'Program');
}
