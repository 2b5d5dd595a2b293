import type { IExecuteFunctions } from 'n8n-workflow';

import { locatorId } from './locators';
import { InputError } from './values';

/** The static list id from the `list` resource locator (picked, typed, or taken from a pasted URL). */
export function staticListId(fn: IExecuteFunctions, itemIndex: number, name = 'list'): number {
	return locatorId(fn, itemIndex, name, 'List');
}

export interface FolderRef {
	id: number;
	type: 'Folder' | 'Program';
}

/** A folder given as `Program:1034` (from the picker) or as a bare id plus the Folder Type field. */
export function folderRef(value: unknown, fallbackType: string, field = 'Folder'): FolderRef {
	const text = String(value ?? '').trim();
	const match = /^(Folder|Program):(\d+)$/i.exec(text);
	if (match) return { id: Number(match[2]), type: match[1].toLowerCase() === 'program' ? 'Program' : 'Folder' };
	if (!/^\d+$/.test(text)) throw new InputError(`'${field}' must be picked from the list or given as a folder ID (a whole number); got "${text}"`);
	return { id: Number(text), type: fallbackType === 'Program' ? 'Program' : 'Folder' };
}
