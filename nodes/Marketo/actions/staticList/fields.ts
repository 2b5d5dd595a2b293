import type { INodeProperties } from 'n8n-workflow';

/** The folder a static list lives in: picked from folders and programs, or given by ID with its type. */
export function folderFields(required: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Folder',
			name: 'folder',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required,
			description: required ? 'Folder or program to create the list in' : 'Only lists in this folder or program. Leave empty for all.',
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a folder or program...',
					typeOptions: { searchListMethod: 'searchFolders', searchable: true },
				},
				{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 13' },
			],
		},
		{
			displayName: 'Folder Type',
			name: 'folderType',
			type: 'options',
			options: [
				{ name: 'Folder', value: 'Folder' },
				{ name: 'Program', value: 'Program' },
			],
			default: 'Folder',
			description: 'Whether an ID given above is a folder or a program (a folder picked from the list carries its type)',
		},
	];
}
