/** The lead fields of the sandbox instance, as describe/describe2 report them. */

export type DataType =
	| 'integer'
	| 'string'
	| 'email'
	| 'phone'
	| 'text'
	| 'url'
	| 'boolean'
	| 'currency'
	| 'float'
	| 'date'
	| 'datetime'
	| 'reference';

export interface FieldDef {
	/** Describe field id. */
	id: number;
	name: string;
	displayName: string;
	dataType: DataType;
	length?: number;
	readOnly: boolean;
	crmManaged: boolean;
	/** Usable as filterType / lookupField. */
	searchable: boolean;
	/** SOAP API name; absent for REST-only fields. */
	soapName?: string;
	custom?: boolean;
}

type Row = [name: string, displayName: string, dataType: DataType, length: number | undefined, flags: string, soap?: string];

/** flags: r = read-only, c = CRM managed, s = searchable, x = custom field. */
const ROWS: Row[] = [
	['id', 'Id', 'integer', undefined, 'rs', 'Id'],
	['email', 'Email Address', 'email', 255, 's', 'Email'],
	['firstName', 'First Name', 'string', 255, '', 'FirstName'],
	['lastName', 'Last Name', 'string', 255, '', 'LastName'],
	['middleName', 'Middle Name', 'string', 255, '', 'MiddleName'],
	['salutation', 'Salutation', 'string', 255, '', 'Salutation'],
	['title', 'Job Title', 'string', 255, '', 'Title'],
	['company', 'Company Name', 'string', 255, '', 'Company'],
	['industry', 'Industry', 'string', 255, '', 'Industry'],
	['phone', 'Phone Number', 'phone', 255, '', 'Phone'],
	['mobilePhone', 'Mobile Phone Number', 'phone', 255, '', 'MobilePhone'],
	['address', 'Address', 'text', 65535, '', 'Address'],
	['city', 'City', 'string', 255, '', 'City'],
	['state', 'State', 'string', 255, '', 'State'],
	['postalCode', 'Postal Code', 'string', 255, '', 'PostalCode'],
	['country', 'Country', 'string', 255, '', 'Country'],
	['website', 'Website', 'url', 255, '', 'Website'],
	['numberOfEmployees', 'Num Employees', 'integer', undefined, '', 'NumberOfEmployees'],
	['annualRevenue', 'Annual Revenue', 'currency', undefined, '', 'AnnualRevenue'],
	['leadSource', 'Lead Source', 'string', 255, '', 'LeadSource'],
	['leadStatus', 'Lead Status', 'string', 255, '', 'LeadStatus'],
	['leadScore', 'Lead Score', 'integer', undefined, '', 'LeadScore'],
	['rating', 'Lead Rating', 'string', 255, '', 'Rating'],
	['dateOfBirth', 'Date of Birth', 'date', undefined, '', 'DateofBirth'],
	['unsubscribed', 'Unsubscribed', 'boolean', undefined, '', 'Unsubscribed'],
	['unsubscribedReason', 'Unsubscribed Reason', 'text', 65535, '', 'UnsubscribedReason'],
	['emailInvalid', 'Email Invalid', 'boolean', undefined, '', 'EmailInvalid'],
	['doNotCall', 'Do Not Call', 'boolean', undefined, '', 'DoNotCall'],
	['cookies', 'Cookies', 'string', 255, 'rs'],
	['twitterId', 'Twitter Id', 'string', 255, 's'],
	['facebookId', 'Facebook Id', 'string', 255, 's'],
	['linkedInId', 'LinkedIn Id', 'string', 255, 's'],
	['sfdcLeadId', 'SFDC Lead ID', 'string', 18, 'rcs'],
	['sfdcContactId', 'SFDC Contact ID', 'string', 18, 'rcs'],
	['sfdcAccountId', 'SFDC Account ID', 'string', 18, 'rcs'],
	['sfdcLeadOwnerId', 'SFDC Lead Owner ID', 'string', 18, 'rcs'],
	['sfdcOpptyId', 'SFDC Oppty ID', 'string', 18, 'rcs'],
	['leadPartitionId', 'Lead Partition Id', 'integer', undefined, 'rs'],
	['createdAt', 'Created At', 'datetime', undefined, 'r', 'CreatedAt'],
	['updatedAt', 'Updated At', 'datetime', undefined, 'r', 'UpdatedAt'],
	['externalLeadId', 'External Lead Id', 'string', 255, 'sx'],
	['preferredLanguage', 'Preferred Language', 'string', 255, 'x'],
];

export const LEAD_FIELDS: FieldDef[] = ROWS.map(([name, displayName, dataType, length, flags, soapName], i) => ({
	id: i + 1,
	name,
	displayName,
	dataType,
	length,
	readOnly: flags.includes('r'),
	crmManaged: flags.includes('c'),
	searchable: flags.includes('s'),
	soapName,
	custom: flags.includes('x'),
}));

const BY_NAME = new Map(LEAD_FIELDS.map((f) => [f.name, f]));
const BY_LOWER = new Map<string, FieldDef>();
for (const f of LEAD_FIELDS) {
	BY_LOWER.set(f.name.toLowerCase(), f);
	BY_LOWER.set(f.displayName.toLowerCase(), f);
	if (f.soapName) BY_LOWER.set(f.soapName.toLowerCase(), f);
}

/** Exact REST API name lookup (REST calls are case-sensitive). */
export function field(name: string): FieldDef | undefined {
	return BY_NAME.get(name);
}

/** Loose lookup for import file headers: REST name, SOAP name or display name, any case. */
export function fieldLoose(header: string): FieldDef | undefined {
	return BY_LOWER.get(header.trim().toLowerCase());
}

/** Default fields of lead reads when `fields` is omitted. */
export const DEFAULT_READ_FIELDS = ['id', 'firstName', 'lastName', 'email', 'updatedAt', 'createdAt'];

export function describe(): Record<string, unknown>[] {
	return LEAD_FIELDS.map((f) => {
		const out: Record<string, unknown> = { id: f.id, displayName: f.displayName, dataType: f.dataType };
		if (f.length !== undefined) out.length = f.length;
		out.rest = { name: f.name, readOnly: f.readOnly };
		if (f.soapName) out.soap = { name: f.soapName, readOnly: f.readOnly };
		return out;
	});
}

export function describe2(): Record<string, unknown>[] {
	return [
		{
			name: 'API Lead',
			searchableFields: LEAD_FIELDS.filter((f) => f.searchable).map((f) => [f.name]),
			fields: LEAD_FIELDS.map((f) => {
				const out: Record<string, unknown> = { name: f.name, displayName: f.displayName, dataType: f.dataType };
				if (f.length !== undefined) out.length = f.length;
				out.updateable = !f.readOnly;
				out.crmManaged = f.crmManaged;
				return out;
			}),
		},
	];
}

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

/** Turns an input value into the stored value of a field, or says why it cannot be. */
export function coerce(f: FieldDef, raw: unknown): Coerced {
	if (raw === null || raw === undefined || raw === '') return { ok: true, value: null };
	const bad = (): Coerced => ({ ok: false, message: `Invalid value '${String(raw)}'. Required of type '${f.dataType}'` });
	switch (f.dataType) {
		case 'integer': {
			const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
			return Number.isInteger(n) ? { ok: true, value: n } : bad();
		}
		case 'float':
		case 'currency': {
			const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
			return Number.isFinite(n) ? { ok: true, value: n } : bad();
		}
		case 'boolean': {
			const s = String(raw).trim().toLowerCase();
			if (raw === true || s === 'true' || s === '1' || s === 'yes') return { ok: true, value: true };
			if (raw === false || s === 'false' || s === '0' || s === 'no') return { ok: true, value: false };
			return bad();
		}
		case 'date': {
			const s = String(raw).trim();
			return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) ? { ok: true, value: s } : bad();
		}
		case 'datetime': {
			const t = Date.parse(String(raw));
			return Number.isNaN(t) ? bad() : { ok: true, value: marketoDateTime(t) };
		}
		case 'email': {
			const s = String(raw).trim();
			return /^[^@\s]+@[^@\s]+$/.test(s) ? { ok: true, value: s } : bad();
		}
		default:
			if (typeof raw === 'object') return bad();
			return { ok: true, value: String(raw) };
	}
}

/** Lead-database datetime format: 2015-04-06T17:13:50Z. */
export function marketoDateTime(t: number): string {
	return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Values compare the way Marketo dedupes: emails and strings case-insensitively. */
export function normalizeKey(value: unknown): string {
	return String(value).trim().toLowerCase();
}
