import type { MarketoClient } from '../../transport';

/** A lead partition as Marketo lists it. */
export interface LeadPartition {
	id: number;
	name: string;
	description?: string;
}

/** A lead field as `describe2.json` describes it. */
export interface LeadField {
	name: string;
	displayName: string;
	dataType: string;
	length?: number;
	updateable?: boolean;
	crmManaged?: boolean;
}

export interface LeadSchema {
	fields: LeadField[];
	searchableFields: string[][];
}

/**
 * Lookups that several operations need once per execution (and the field pickers need in the editor): read once
 * per client, i.e. once per execution, so a 1,000-item run makes the call once, not 1,000 times.
 */
const partitionsByClient = new WeakMap<MarketoClient, Promise<LeadPartition[]>>();
const schemaByClient = new WeakMap<MarketoClient, Promise<LeadSchema>>();

export function once<T>(cache: WeakMap<MarketoClient, Promise<T>>, client: MarketoClient, load: () => Promise<T>): Promise<T> {
	let pending = cache.get(client);
	if (!pending) {
		pending = load();
		cache.set(client, pending);
		pending.catch(() => cache.delete(client));
	}
	return pending;
}

export async function leadPartitions(client: MarketoClient): Promise<LeadPartition[]> {
	return await once(partitionsByClient, client, async () => {
		const answer = await client.request<LeadPartition>({ method: 'GET', path: '/rest/v1/leads/partitions.json' });
		return answer.result ?? [];
	});
}

export async function leadSchema(client: MarketoClient): Promise<LeadSchema> {
	return await once(schemaByClient, client, async () => {
		const answer = await client.request<{ name: string; fields: LeadField[]; searchableFields: string[][] }>({
			method: 'GET',
			path: '/rest/v1/leads/describe2.json',
		});
		const described = answer.result?.[0];
		return { fields: described?.fields ?? [], searchableFields: described?.searchableFields ?? [] };
	});
}

/** Names that are not lead fields of the instance (case-sensitive, as Marketo's REST names are). */
export async function unknownLeadFields(client: MarketoClient, names: Iterable<string>): Promise<string[]> {
	const known = new Set((await leadSchema(client)).fields.map((f) => f.name));
	return [...new Set(names)].filter((name) => !known.has(name));
}

/** Marketo's default lead fields when a read names none. */
export const DEFAULT_LEAD_FIELDS = ['id', 'email', 'firstName', 'lastName', 'updatedAt', 'createdAt'];

/**
 * The partition a *Partition Name or ID* value names: the partition of that name, else (a number) the partition of
 * that ID. Marketo's calls take the name, so callers send `.name`.
 */
export function partitionNamed(partitions: LeadPartition[], nameOrId: string): LeadPartition | undefined {
	return partitions.find((p) => p.name === nameOrId) ?? (/^\d+$/.test(nameOrId) ? partitions.find((p) => p.id === Number(nameOrId)) : undefined);
}

/** Adds `leadPartitionName` next to `leadPartitionId`, which is all Marketo returns. */
export function withPartitionName<T extends Record<string, unknown>>(lead: T, partitions: LeadPartition[]): T & { leadPartitionName?: string } {
	if (lead.leadPartitionId === undefined || lead.leadPartitionId === null) return lead;
	const partition = partitions.find((p) => p.id === Number(lead.leadPartitionId));
	return { ...lead, leadPartitionName: partition?.name ?? '' };
}
