/** Programs, their channels (status progressions) and program members. */
import { assetDateTime } from './assets';

export interface ProgressionStatus {
	name: string;
	/** a member moves forward only: a status of a lower or equal step than the member's is skipped */
	step: number;
	success: boolean;
	hidden: boolean;
	description: string;
}

export interface Channel {
	id: number;
	name: string;
	applicableProgramType: string;
	statuses: ProgressionStatus[];
}

export interface Program {
	id: number;
	name: string;
	description: string;
	type: string;
	channel: string;
	workspace: string;
	folder: { id: number; type: 'Folder' | 'Program' };
	createdAt: number;
	updatedAt: number;
}

export interface Member {
	leadId: number;
	statusName: string;
	membershipDate: number;
	updatedAt: number;
	reachedSuccess: boolean;
	acquiredBy: boolean;
	/** custom program member fields (updateable through Sync Program Member Data) */
	data: Record<string, string | number | null>;
}

export interface MemberField {
	name: string;
	dataType: 'string' | 'integer' | 'boolean' | 'datetime';
	updateable: boolean;
	length?: number;
}

/** Adobe's Describe Program Member example, with three custom fields of our own. */
export const MEMBER_FIELDS: MemberField[] = [
	{ name: 'acquiredBy', dataType: 'boolean', updateable: false },
	{ name: 'attendanceLikelihood', dataType: 'integer', updateable: false },
	{ name: 'createdAt', dataType: 'datetime', updateable: false },
	{ name: 'isExhausted', dataType: 'boolean', updateable: false },
	{ name: 'leadId', dataType: 'integer', updateable: false },
	{ name: 'membershipDate', dataType: 'datetime', updateable: false },
	{ name: 'nurtureCadence', dataType: 'string', updateable: false, length: 4 },
	{ name: 'program', dataType: 'string', updateable: false, length: 255 },
	{ name: 'programId', dataType: 'integer', updateable: false },
	{ name: 'reachedSuccess', dataType: 'boolean', updateable: false },
	{ name: 'reachedSuccessDate', dataType: 'datetime', updateable: false },
	{ name: 'statusName', dataType: 'string', updateable: false, length: 255 },
	{ name: 'updatedAt', dataType: 'datetime', updateable: false },
	{ name: 'registrationCode', dataType: 'string', updateable: true, length: 100 },
	{ name: 'webinarUrl', dataType: 'string', updateable: true, length: 2000 },
	{ name: 'attendeeNotes', dataType: 'string', updateable: true, length: 255 },
];
export const MEMBER_SEARCHABLE = ['leadId', 'reachedSuccess', 'statusName', 'registrationCode'];
export const DEFAULT_MEMBER_FIELDS = ['acquiredBy', 'leadId', 'membershipDate', 'programId', 'reachedSuccess'];

const status = (name: string, step: number, success = false, description = ''): ProgressionStatus => ({ name, step, success, hidden: false, description });

/** The standard channels of a new instance (names and steps as Marketo's defaults). */
function defaultChannels(): Channel[] {
	return [
		{ id: 1, name: 'Webinar', applicableProgramType: 'event', statuses: [status('Not in Program', 0), status('Invited', 10), status('Registered', 20), status('No Show', 30), status('Attended', 40, true), status('Attended On-demand', 40, true)] },
		{ id: 2, name: 'Email Send', applicableProgramType: 'email', statuses: [status('Not in Program', 0), status('Member', 10), status('Engaged', 20, true)] },
		{ id: 3, name: 'Tradeshow', applicableProgramType: 'event', statuses: [status('Not in Program', 0), status('Target', 10), status('Visited Booth', 20), status('Engaged', 30, true)] },
		{ id: 4, name: 'Nurture', applicableProgramType: 'nurture', statuses: [status('Not in Program', 0), status('Member', 10), status('Engaged', 20, true)] },
	];
}

const INSTANCE_URL = 'https://app-sandbox.marketo.com';

export class ProgramStore {
	readonly channels = defaultChannels();
	private programs = new Map<number, Program>();
	private members = new Map<number, Map<number, Member>>();
	private nextProgramId = 1100;

	seedDefaults(): void {
		const at = (iso: string): number => Date.parse(iso);
		const program = (id: number, name: string, type: string, channel: string, workspace: string, created: string): void => {
			this.programs.set(id, { id, name, description: '', type, channel, workspace, folder: { id: 14, type: 'Folder' }, createdAt: at(created), updatedAt: at(created) });
		};
		program(1034, 'Summer Webinar', 'Event', 'Webinar', 'Default', '2018-06-20T09:00:00Z');
		program(1035, 'Spring Newsletter', 'Email', 'Email Send', 'Default', '2019-03-01T09:00:00Z');
		program(1036, 'Trade Show 2026', 'Event', 'Tradeshow', 'EMEA', '2025-11-10T09:00:00Z');
		program(1037, 'Welcome Nurture', 'Engagement', 'Nurture', 'Default', '2020-01-15T09:00:00Z');
		// a few members of the webinar at different steps: 1-5 Invited, 6-10 Registered, 11-15 Attended
		const joined = at('2026-06-01T10:00:00Z');
		for (let leadId = 1; leadId <= 15; leadId++) {
			this.setStatus(1034, leadId, leadId <= 5 ? 'Invited' : leadId <= 10 ? 'Registered' : 'Attended', joined);
		}
	}

	all(): Program[] {
		return [...this.programs.values()].sort((a, b) => a.id - b.id);
	}

	get(id: number): Program | undefined {
		return this.programs.get(id);
	}

	byName(name: string): Program | undefined {
		return this.all().find((p) => p.name === name);
	}

	/** A new program (Create Program); the caller checks the name, folder and channel. */
	create(fields: Pick<Program, 'name' | 'description' | 'type' | 'channel' | 'folder'>): Program {
		const now = Date.now();
		const p: Program = { ...fields, id: this.nextProgramId++, workspace: 'Default', createdAt: now, updatedAt: now };
		this.programs.set(p.id, p);
		return p;
	}

	/** Deletes a program and its members. */
	delete(id: number): boolean {
		this.members.delete(id);
		return this.programs.delete(id);
	}

	/** A copy of a program under a new name (Schedule Campaign's cloneToProgramName). */
	clone(source: Program, name: string): Program {
		const now = Date.now();
		const copy: Program = { ...source, id: this.nextProgramId++, name, folder: { id: source.id, type: 'Program' }, createdAt: now, updatedAt: now };
		this.programs.set(copy.id, copy);
		return copy;
	}

	channelOf(program: Program): Channel {
		return this.channels.find((c) => c.name === program.channel)!;
	}

	channelByName(name: string): Channel | undefined {
		return this.channels.find((c) => c.name === name);
	}

	programJson(p: Program): Record<string, unknown> {
		return {
			id: p.id,
			name: p.name,
			description: p.description,
			createdAt: assetDateTime(p.createdAt),
			updatedAt: assetDateTime(p.updatedAt),
			url: `${INSTANCE_URL}/#PG${p.id}A1`,
			type: p.type,
			channel: p.channel,
			folder: { type: p.folder.type, value: p.folder.id, folderName: p.folder.type === 'Program' ? this.get(p.folder.id)?.name : 'Events' },
			status: '',
			workspace: p.workspace,
			tags: [],
			costs: [],
		};
	}

	channelJson(c: Channel): Record<string, unknown> {
		return {
			id: c.id,
			name: c.name,
			applicableProgramType: c.applicableProgramType,
			createdAt: assetDateTime(Date.parse('2015-01-05T10:00:00Z')),
			updatedAt: assetDateTime(Date.parse('2015-01-05T10:00:00Z')),
			progressionStatuses: c.statuses.map((s) => ({ ...s })),
		};
	}

	// ---- members

	membersOf(programId: number): Map<number, Member> {
		let m = this.members.get(programId);
		if (!m) {
			m = new Map();
			this.members.set(programId, m);
		}
		return m;
	}

	member(programId: number, leadId: number): Member | undefined {
		return this.members.get(programId)?.get(leadId);
	}

	/**
	 * Sets a member's status, making the lead a member when it is not one yet. A status whose step is not above the
	 * member's current one is refused: 'skipped'.
	 */
	setStatus(programId: number, leadId: number, statusName: string, now = Date.now()): 'created' | 'updated' | 'skipped' {
		const program = this.get(programId)!;
		const channel = this.channelOf(program);
		const next = channel.statuses.find((s) => s.name === statusName)!;
		const members = this.membersOf(programId);
		const current = members.get(leadId);
		if (current) {
			const step = channel.statuses.find((s) => s.name === current.statusName)?.step ?? 0;
			if (step >= next.step) return 'skipped';
			current.statusName = next.name;
			current.updatedAt = now;
			current.reachedSuccess = current.reachedSuccess || next.success;
			return 'updated';
		}
		members.set(leadId, { leadId, statusName: next.name, membershipDate: now, updatedAt: now, reachedSuccess: next.success, acquiredBy: false, data: {} });
		return 'created';
	}
}
