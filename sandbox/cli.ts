/** `npm run sandbox`: runs the Marketo sandbox until Ctrl+C. Flags win over environment variables. */
import { MarketoSandbox } from './server';
import { FILE_CONTENT_TYPES } from './options';
import type { FileContentType, SandboxOptions } from './options';

const HELP = `Marketo sandbox: a local, stateful stand-in for a Marketo REST API instance.

Usage: npm run sandbox -- [options]

  --port <n>             port (env SANDBOX_PORT, default 8790; 0 = any free port)
  --host <addr>          interface (env SANDBOX_HOST, default 127.0.0.1)
  --client-id <id>       (env SANDBOX_CLIENT_ID, default sandbox-client-id)
  --client-secret <s>    (env SANDBOX_CLIENT_SECRET, default sandbox-client-secret)
  --seed <n>             synthetic leads to create (env SANDBOX_SEED_LEADS, default 100; 0 with --fresh)
  --fresh                start like an instance nobody has used yet: one partition (Default), only the
                         Marketing Activities folder, no static lists, no leads (env SANDBOX_FRESH=1)
  --time-scale <x>       multiply Marketo durations, e.g. 0.05 (env SANDBOX_TIME_SCALE, default 1)
  --token-lifetime <s>   token lifetime in Marketo seconds (env SANDBOX_TOKEN_LIFETIME, default 3600)
  --latency <ms>         simulated processing time per call (env SANDBOX_LATENCY_MS, default 5)
  --no-limits            turn rate limit, concurrency limit and quotas off (env SANDBOX_LIMITS=off)
  --daily-quota <n>      daily call quota (env SANDBOX_DAILY_QUOTA, default 50000)
  --file-content-type <t> serve every file as application/json, text/plain or text/csv
                         (env SANDBOX_FILE_CONTENT_TYPE; default Marketo's usual text/csv or text/plain)
  --export-end-inclusive <true|false>
                         whether an export date filter includes a lead at exactly endAt
                         (env SANDBOX_EXPORT_END_INCLUSIVE, default true)
  --strict-window        refuse an export date filter of exactly 31 days too (env SANDBOX_STRICT_WINDOW=on)
  --activity-scan-size <n>
                         activity log entries one activities call scans, so pages can be short
                         (env SANDBOX_ACTIVITY_SCAN_SIZE, default 1000)
  --quiet                do not print events
  --help                 this text
`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): SandboxOptions & { quiet?: boolean; help?: boolean } {
	const flags = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
		const [name, inline] = a.slice(2).split('=', 2);
		if (['no-limits', 'strict-window', 'quiet', 'help', 'fresh'].includes(name)) flags.set(name, true);
		else if (inline !== undefined) flags.set(name, inline);
		else if (i + 1 < argv.length) flags.set(name, argv[++i]);
		else throw new Error(`--${name} needs a value`);
	}
	const known = ['port', 'host', 'client-id', 'client-secret', 'seed', 'time-scale', 'token-lifetime', 'latency', 'no-limits', 'daily-quota', 'file-content-type', 'export-end-inclusive', 'strict-window', 'quiet', 'help', 'fresh', 'activity-scan-size'];
	for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
	const str = (flag: string, envName: string): string | undefined => {
		const v = flags.get(flag);
		return typeof v === 'string' ? v : env[envName];
	};
	const num = (flag: string, envName: string, fallback: number): number => {
		const v = str(flag, envName);
		if (v === undefined || v === '') return fallback;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a non-negative number, got '${v}'`);
		return n;
	};
	const limitsOff = flags.get('no-limits') === true || /^(off|false|0)$/i.test(env.SANDBOX_LIMITS ?? '');
	const dailyQuota = num('daily-quota', 'SANDBOX_DAILY_QUOTA', 50000);
	const fileContentType = str('file-content-type', 'SANDBOX_FILE_CONTENT_TYPE') || undefined;
	if (fileContentType && !FILE_CONTENT_TYPES.includes(fileContentType as FileContentType)) {
		throw new Error(`--file-content-type must be one of ${FILE_CONTENT_TYPES.join(', ')}, got '${fileContentType}'`);
	}
	const endInclusive = str('export-end-inclusive', 'SANDBOX_EXPORT_END_INCLUSIVE');
	if (endInclusive !== undefined && !/^(true|false)$/i.test(endInclusive)) {
		throw new Error(`--export-end-inclusive must be true or false, got '${endInclusive}'`);
	}
	const fresh = flags.get('fresh') === true || /^(1|true|on)$/i.test(env.SANDBOX_FRESH ?? '');
	return {
		port: num('port', 'SANDBOX_PORT', 8790),
		host: str('host', 'SANDBOX_HOST') ?? '127.0.0.1',
		clientId: str('client-id', 'SANDBOX_CLIENT_ID'),
		clientSecret: str('client-secret', 'SANDBOX_CLIENT_SECRET'),
		seedLeads: num('seed', 'SANDBOX_SEED_LEADS', fresh ? 0 : 100),
		fresh,
		timeScale: num('time-scale', 'SANDBOX_TIME_SCALE', 1) || 1,
		tokenLifetimeSeconds: num('token-lifetime', 'SANDBOX_TOKEN_LIFETIME', 3600),
		latencyMs: num('latency', 'SANDBOX_LATENCY_MS', 5),
		limits: limitsOff ? false : { dailyQuota },
		fileContentType: fileContentType as FileContentType | undefined,
		exportEndInclusive: endInclusive === undefined ? undefined : /^true$/i.test(endInclusive),
		activityScanSize: num('activity-scan-size', 'SANDBOX_ACTIVITY_SCAN_SIZE', 1000),
		strictWindow: flags.get('strict-window') === true || /^(on|true|1)$/i.test(env.SANDBOX_STRICT_WINDOW ?? ''),
		quiet: flags.get('quiet') === true,
		help: flags.get('help') === true,
	};
}

async function main(): Promise<void> {
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs(process.argv.slice(2), process.env);
	} catch (e) {
		process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
		process.exit(2);
	}
	if (parsed.help) {
		process.stdout.write(HELP);
		return;
	}
	const { quiet, help: _help, ...options } = parsed;
	const sb = new MarketoSandbox({ ...options, logger: quiet ? undefined : (l) => process.stdout.write(`[sandbox] ${l}\n`) });
	const { url } = await sb.start();
	const user = sb.options.users[0];
	process.stdout.write(
		[
			`Marketo sandbox listening on ${url}`,
			`  REST API base URL : ${url}   (identity: ${url}/identity, REST: ${url}/rest)`,
			`  Client ID         : ${user.clientId}`,
			`  Client Secret     : ${user.clientSecret}   (sandbox demo credentials, not a real secret)`,
			`  Seeded leads      : ${sb.leads.count}${sb.options.fresh ? '   (fresh: partition Default only, folder Marketing Activities, no lists)' : ''}`,
			`  Limits            : ${sb.options.limitsEnabled ? `on (100 calls/${20 * sb.options.timeScale}s, 10 in flight, ${sb.options.limits.dailyQuota}/day)` : 'off'}`,
			`  Admin API         : ${url}/__sandbox/health`,
			'Press Ctrl+C to stop.',
			'',
		].join('\n'),
	);
	const shutdown = (): void => {
		void sb.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) void main();
