/** Smart campaigns, and what was asked of them: requests (trigger campaigns) and schedules (batch campaigns). */

export interface Campaign {
	id: number;
	name: string;
	description: string;
	type: 'batch' | 'trigger';
	programId?: number;
	programName?: string;
	workspaceName: string;
	active: boolean;
	/** its smart list has a "Campaign is Requested" trigger with source "Web Service API" */
	requestedTrigger: boolean;
	createdAt: number;
	updatedAt: number;
}

/** One Request Campaign call: the leads it ran for (leads that exist) and the tokens it carried. */
export interface CampaignRequest {
	campaignId: number;
	leadIds: number[];
	tokens: Array<{ name: string; value: string }>;
	at: number;
}

export interface CampaignSchedule {
	campaignId: number;
	runAt: string;
	tokens: Array<{ name: string; value: string }>;
	cloneToProgramName?: string;
	/** the campaign that was scheduled: the clone's when cloneToProgramName was given */
	scheduledCampaignId: number;
}

export class CampaignStore {
	private campaigns = new Map<number, Campaign>();
	readonly requests: CampaignRequest[] = [];
	readonly schedules: CampaignSchedule[] = [];
	private nextId = 1100;

	seedDefaults(): void {
		const at = Date.parse('2025-09-01T12:00:00Z');
		const add = (c: Omit<Campaign, 'description' | 'createdAt' | 'updatedAt'>): void => {
			this.campaigns.set(c.id, { ...c, description: '', createdAt: at, updatedAt: at });
		};
		const webinar = { programId: 1034, programName: 'Summer Webinar' };
		const newsletter = { programId: 1035, programName: 'Spring Newsletter' };
		add({ id: 1001, name: 'Webinar Confirmation', type: 'trigger', ...webinar, workspaceName: 'Default', active: true, requestedTrigger: true });
		add({ id: 1002, name: 'Webinar Reminder Send', type: 'batch', ...webinar, workspaceName: 'Default', active: false, requestedTrigger: false });
		add({ id: 1003, name: 'Form Fill Follow-up', type: 'trigger', ...newsletter, workspaceName: 'Default', active: true, requestedTrigger: false });
		add({ id: 1004, name: 'Old Welcome Flow', type: 'trigger', ...newsletter, workspaceName: 'Default', active: false, requestedTrigger: true });
		add({ id: 1005, name: 'Booth Follow-up', type: 'trigger', programId: 1036, programName: 'Trade Show 2026', workspaceName: 'EMEA', active: true, requestedTrigger: true });
		add({ id: 1006, name: 'Monthly Newsletter Send', type: 'batch', ...newsletter, workspaceName: 'Default', active: false, requestedTrigger: false });
		add({ id: 1007, name: 'Nightly Dedupe', type: 'batch', workspaceName: 'Default', active: false, requestedTrigger: false });
	}

	all(): Campaign[] {
		return [...this.campaigns.values()].sort((a, b) => a.id - b.id);
	}

	get(id: number): Campaign | undefined {
		return this.campaigns.get(id);
	}

	/** Adds a campaign (tests and the clone of Schedule Campaign's cloneToProgramName). */
	add(fields: Omit<Campaign, 'id' | 'createdAt' | 'updatedAt' | 'description'> & { description?: string }): Campaign {
		const now = Date.now();
		const c: Campaign = { description: '', ...fields, id: this.nextId++, createdAt: now, updatedAt: now };
		this.campaigns.set(c.id, c);
		return c;
	}

	/** "Active, with a Campaign is Requested trigger whose source is Web Service API": what Request Campaign needs. */
	isRequestable(c: Campaign): boolean {
		return c.type === 'trigger' && c.active && c.requestedTrigger;
	}

	json(c: Campaign): Record<string, unknown> {
		const out: Record<string, unknown> = {
			id: c.id,
			name: c.name,
			description: c.description,
			type: c.type,
			workspaceName: c.workspaceName,
			createdAt: new Date(c.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			updatedAt: new Date(c.updatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			active: c.active,
		};
		if (c.programId !== undefined) {
			out.programId = c.programId;
			out.programName = c.programName;
		}
		return out;
	}

	/** Leads a campaign ran for through Request Campaign, in request order. */
	leadsRequested(campaignId: number): number[] {
		return this.requests.filter((r) => r.campaignId === campaignId).flatMap((r) => r.leadIds);
	}
}
