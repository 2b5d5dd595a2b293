/**
 * Marketo Trigger's activity events in a running n8n, poll by poll, against a sandbox whose clock runs 5 minutes
 * behind the host's: New Lead, Lead Changed (company), Form Filled Out
 * (one form, by name), Added to List (one list) and New Activity (Interesting Moment, Visit Webpage), one active
 * workflow each, polling as often as the release allows (RELEASE.pollSeconds: every 30 s with a custom cron where it
 * accepts one, n8n's shortest built-in interval being a minute; else every minute).
 *
 * Activities come in three waves: a few per event, then 1,000 per event at once (interleaved in the activity log with
 * the other events' and with activities that must not fire, so every read is several short pages with moreResult
 * true), then, while n8n is stopped, a few more, which fire at the activation poll after the restart. Each firing
 * posts the marketoGUIDs it emitted (one request per execution: the HTTP Request node runs once) to a collector in
 * the test, so every activity can be checked to have fired exactly once; calls per poll come from the sandbox's
 * request log. Activities are made in the sandbox directly, so the request log holds only n8n's calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { MarketoSandbox } from '../../sandbox';
import type { RequestLogEntry } from '../../sandbox/log';
import { CREDENTIAL_TYPE, E2eRig, NEEDS_SANDBOX, RELEASE, describeSandbox, triggeredWorkflow, waitFor, type NodeSpec, type StartedN8n, type Workflow } from './rig';

const TRIGGER_TYPE = 'n8n-nodes-marketo.marketoTrigger';
/** one poll interval, ms: timeouts that wait for polls grow with it */
const POLL_MS = RELEASE.pollSeconds * 1000;
const WATCHED_LIST = 1026;
const OTHER_LIST = 1021;
const WATCHED_FORM = { id: 1001, name: 'Contact Us Form' };
const OTHER_FORM = { id: 1002, name: 'Webinar Registration Form' };
const TYPE = { visitWebpage: 1, fillOutForm: 2, openEmail: 10, newLead: 12, changeDataValue: 13, addToList: 24, interestingMoment: 46 };
const BURST = 1000;

type EventName = 'newLead' | 'leadChanged' | 'formFilledOut' | 'addedToList' | 'newActivity';
const EVENTS: Record<EventName, { trigger: Record<string, unknown>; fires: (a: LoggedActivity) => boolean; calls: (e: RequestLogEntry) => boolean }> = {
	newLead: {
		trigger: { event: 'newLead' },
		fires: (a) => a.activityTypeId === TYPE.newLead,
		calls: (e) => e.path === '/rest/v1/activities.json' && e.query.activityTypeIds === String(TYPE.newLead),
	},
	leadChanged: {
		trigger: { event: 'leadChanged', fieldsToWatch: ['company'] },
		fires: (a) => a.activityTypeId === TYPE.changeDataValue && a.primaryAttributeValue === 'Company Name',
		calls: (e) => e.path === '/rest/v1/activities/leadchanges.json',
	},
	formFilledOut: {
		trigger: { event: 'formFilledOut', form: WATCHED_FORM.name },
		fires: (a) => a.activityTypeId === TYPE.fillOutForm && a.primaryAttributeValueId === WATCHED_FORM.id,
		calls: (e) => e.path === '/rest/v1/activities.json' && e.query.activityTypeIds === String(TYPE.fillOutForm),
	},
	addedToList: {
		trigger: { event: 'addedToList', list: { __rl: true, mode: 'id', value: String(WATCHED_LIST) } },
		fires: (a) => a.activityTypeId === TYPE.addToList && a.primaryAttributeValueId === WATCHED_LIST,
		calls: (e) => e.path === '/rest/v1/activities.json' && e.query.activityTypeIds === String(TYPE.addToList),
	},
	newActivity: {
		trigger: { event: 'newActivity', activityTypeIds: [TYPE.interestingMoment, TYPE.visitWebpage] },
		fires: (a) => a.activityTypeId === TYPE.interestingMoment || a.activityTypeId === TYPE.visitWebpage,
		calls: (e) => e.path === '/rest/v1/activities.json' && e.query.activityTypeIds === `${TYPE.interestingMoment},${TYPE.visitWebpage}`,
	},
};
const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

interface LoggedActivity {
	id: number;
	activityTypeId: number;
	primaryAttributeValueId?: number;
	primaryAttributeValue?: string;
}

/** Receives what each workflow fired: one POST per execution with the marketoGUIDs of its items. */
class Collector {
	readonly fired = new Map<EventName, string[][]>(EVENT_NAMES.map((e) => [e, []]));
	private server?: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((request, response) => {
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString()));
			request.on('end', () => {
				const event = request.url?.split('/').pop() as EventName;
				const parsed = JSON.parse(body) as { guids: string[] };
				this.fired.get(event)?.push(parsed.guids);
				response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** How often each GUID fired for the event. */
	counts(event: EventName): Map<string, number> {
		const counts = new Map<string, number>();
		for (const guid of (this.fired.get(event) ?? []).flat()) counts.set(guid, (counts.get(guid) ?? 0) + 1);
		return counts;
	}
}

function activityWorkflow(credential: { id: string; name: string }, event: EventName, collectorUrl: string): Workflow {
	const trigger: NodeSpec = {
		name: 'Marketo Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		parameters: { ...EVENTS[event].trigger, pollTimes: RELEASE.pollTimes() },
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	const report = {
		name: 'Report',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		executeOnce: true,
		parameters: {
			method: 'POST',
			url: `${collectorUrl}/fired/${event}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ guids: $input.all().map((item) => item.json.marketoGUID) }) }}',
			options: {},
		},
	} as NodeSpec;
	return triggeredWorkflow(`Marketo ${event} -> report`, trigger, report);
}

describeSandbox(`${NEEDS_SANDBOX.data} (adds 5,000 activities at once and reads the sandbox's activity log), ${NEEDS_SANDBOX.log}`)('Marketo Trigger activity events poll by poll', () => {
	let rig: E2eRig;
	let sb: MarketoSandbox;
	let n8n: StartedN8n | undefined;
	const collector = new Collector();
	/** activities in the log before activation: never fire */
	let lastIdBefore = 0;
	let logStart = 0;
	let leadSerial = 0;

	const log = (): RequestLogEntry[] => sb.requestLog.slice(logStart);
	const allActivities = (): LoggedActivity[] =>
		sb.state.activities.page({ time: 0, id: 0 }, () => true, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).items as unknown as LoggedActivity[];
	const expected = (event: EventName): string[] => allActivities().filter((a) => a.id > lastIdBefore && EVENTS[event].fires(a)).map((a) => String(a.id));
	const readCalls = (event: EventName): RequestLogEntry[] => log().filter(EVENTS[event].calls);
	const allFired = (): boolean => EVENT_NAMES.every((e) => expected(e).every((guid) => collector.counts(e).has(guid)));

	/**
	 * `n` leads, each with one activity of every event and one that must not fire, interleaved in the log: created
	 * (New Lead), company changed (Lead Changed) and title changed (not watched), added to the watched list and to
	 * another, the watched form and another filled out, an Interesting Moment, a page visit and an e-mail opened.
	 */
	const wave = (n: number): void => {
		for (let i = 0; i < n; i++) {
			const serial = ++leadSerial;
			const lead = sb.state.leads.create({ email: `activity-${serial}@triggers.test`, firstName: `Ana${serial}`, company: 'Before Inc' }, 1);
			sb.state.leads.update(lead.id, { company: `After ${serial} Inc` });
			sb.state.leads.update(lead.id, { title: 'Buyer' });
			sb.state.assets.addMember(WATCHED_LIST, lead.id);
			sb.state.assets.addMember(OTHER_LIST, lead.id);
			sb.addActivities([
				{ leadId: lead.id, activityTypeId: TYPE.fillOutForm, primaryAttributeValueId: WATCHED_FORM.id, primaryAttributeValue: WATCHED_FORM.name },
				{ leadId: lead.id, activityTypeId: TYPE.fillOutForm, primaryAttributeValueId: OTHER_FORM.id, primaryAttributeValue: OTHER_FORM.name },
				{ leadId: lead.id, activityTypeId: TYPE.interestingMoment, attributes: { Description: `moment ${serial}` } },
				{ leadId: lead.id, activityTypeId: TYPE.visitWebpage },
				{ leadId: lead.id, activityTypeId: TYPE.openEmail },
			]);
		}
	};

	beforeAll(async () => {
		await collector.start();
		// Marketo's clock 5 minutes behind n8n's: activities made right after activation are dated before n8n's activation
		// time, and fire only because the trigger starts at Marketo's now
		rig = await E2eRig.create({ sandbox: { seedLeads: 20, clockOffsetSeconds: -300 } });
		sb = rig.sandbox as MarketoSandbox;
		wave(3); // history: before activation, never fires
		lastIdBefore = Math.max(...allActivities().map((a) => a.id));
		const workflows = EVENT_NAMES.map((event) => activityWorkflow(rig.credential, event, collector.url));
		await rig.importWorkflows(workflows);
		for (const workflow of workflows) expect((await rig.activateWorkflow(workflow.id)).code).toBe(0);
		logStart = sb.requestLog.length;
		n8n = await rig.startN8n();
		await waitFor('the activation polls of the five triggers', () => log().filter((e) => e.path === '/rest/v1/activities/types.json').length >= EVENT_NAMES.length);
	}, 5 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await rig?.dispose();
		await collector.stop();
	});

	it(
		'each event fires exactly once per activity across polls and a restart, 1,000 at once included; an empty poll costs one call',
		async () => {
			// wave 1: a few of each, at the next poll
			wave(5);
			await waitFor('wave 1 to fire', allFired);

			// wave 2: 1,000 of each at once (and 4,000 that must not fire), between two polls
			const burstCallsFrom = new Map(EVENT_NAMES.map((e) => [e, readCalls(e).length]));
			const leadCallsBefore = log().filter((e) => e.path === '/rest/v1/leads.json').length;
			wave(BURST);
			await waitFor('wave 2 (1,000 per event) to fire', allFired, 240_000);
			const burst = EVENT_NAMES.map((e) => {
				const pages = readCalls(e).slice(burstCallsFrom.get(e));
				return { event: e, pages: pages.length, records: pages.map((p) => p.recordCount ?? 0) };
			});
			const leadCalls = log().filter((e) => e.path === '/rest/v1/leads.json').length - leadCallsBefore;
			process.stderr.write(`1,000 activities per event: pages read ${JSON.stringify(burst)}; lead lookups for all five events: ${leadCalls}\n`);
			for (const b of burst) {
				expect(b.pages).toBeGreaterThanOrEqual(4);
				expect(b.records.some((r) => r > 0 && r < 300)).toBe(true);
				expect(b.records.reduce((s, r) => s + r, 0)).toBeGreaterThanOrEqual(BURST);
			}
			// 1,000 distinct leads per event: 4 lookups of 300 each, for each of the five events
			expect(leadCalls).toBe(EVENT_NAMES.length * Math.ceil(BURST / 300));

			// n8n goes down; wave 3 comes meanwhile; n8n comes back with the workflows still active
			await n8n?.stop();
			wave(7);
			n8n = await rig.startN8n();
			await waitFor('wave 3 (made while n8n was down) to fire', allFired);
			const firingsAfterWave3 = EVENT_NAMES.map((e) => collector.fired.get(e)?.length ?? 0);

			// two more polls of every trigger (one poll interval per slot): nothing new, one call each, nothing fires again
			const quietFrom = log().length;
			const slotsOf = (event: EventName): Map<number, number> => {
				const slots = new Map<number, number>();
				for (const call of sb.requestLog.slice(logStart + quietFrom).filter(EVENTS[event].calls)) {
					const slot = Math.floor(Date.parse(call.time) / POLL_MS);
					slots.set(slot, (slots.get(slot) ?? 0) + 1);
				}
				return slots;
			};
			await waitFor('two more polls of every trigger', () => EVENT_NAMES.every((e) => slotsOf(e).size >= 2), 2 * POLL_MS + 90_000);
			const quiet = log().slice(quietFrom);
			const callsPerQuietPoll = EVENT_NAMES.map((e) => [...slotsOf(e).values()]);
			process.stderr.write(`polls with nothing new, activities calls per poll and event: ${JSON.stringify(callsPerQuietPoll)}\n`);
			expect(callsPerQuietPoll.flat().every((calls) => calls === 1)).toBe(true);
			expect(quiet.filter((e) => e.path === '/rest/v1/leads.json')).toHaveLength(0);
			expect(EVENT_NAMES.map((e) => collector.fired.get(e)?.length ?? 0)).toEqual(firingsAfterWave3);

			// activation took a paging token (twice: the second for Marketo's now, its clock being behind) and the type
			// names, once per workflow; the restart took neither again (the token and the fired GUIDs were in static data)
			expect(log().filter((e) => e.path === '/rest/v1/activities/pagingtoken.json')).toHaveLength(2 * EVENT_NAMES.length);
			expect(log().filter((e) => e.path === '/rest/v1/activities/types.json')).toHaveLength(EVENT_NAMES.length);

			const perLead: Record<EventName, number> = { newLead: 1, leadChanged: 1, formFilledOut: 1, addedToList: 1, newActivity: 2 };
			for (const event of EVENT_NAMES) {
				const want = expected(event);
				const counts = collector.counts(event);
				expect(want).toHaveLength((5 + BURST + 7) * perLead[event]);
				// none lost, none repeated, nothing else (history, other forms and lists, unwatched fields and types)
				expect([...counts.keys()].sort()).toEqual([...want].sort());
				expect([...counts.values()].every((c) => c === 1)).toBe(true);
			}
		},
		15 * 60_000,
	);
});
