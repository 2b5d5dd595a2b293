import { settingsFromCredential } from '../../../nodes/Marketo/transport';

const base = { baseUrl: 'https://123-ABC-456.mktorest.com', clientId: 'id', clientSecret: 'secret' };

describe('credential: Daily Call Budget and adaptive pacing', () => {
	it('has no budget and adapts its pace by default', () => {
		expect(settingsFromCredential(base)).toMatchObject({ dailyBudget: undefined, adaptivePacing: true });
		expect(settingsFromCredential({ ...base, dailyBudget: 'none', adaptivePacing: false })).toMatchObject({ dailyBudget: undefined, adaptivePacing: false });
	});

	it('turns a share of the daily quota into calls (quota 50,000 unless given)', () => {
		expect(settingsFromCredential({ ...base, dailyBudget: 'percent', dailyBudgetPercent: 80 }).dailyBudget).toBe(40_000);
		expect(settingsFromCredential({ ...base, dailyBudget: 'percent', dailyBudgetPercent: 80, dailyQuota: 300 }).dailyBudget).toBe(240);
		expect(settingsFromCredential({ ...base, dailyBudget: 'calls', dailyBudgetCalls: 1234 }).dailyBudget).toBe(1234);
	});

	it('names the field of a bad value', () => {
		expect(() => settingsFromCredential({ ...base, dailyBudget: 'percent', dailyBudgetPercent: 120 })).toThrow("'Daily Call Budget (%)' must be a number from 1 to 100 (got 120)");
		expect(() => settingsFromCredential({ ...base, dailyBudget: 'percent', dailyQuota: 0 })).toThrow("'Daily Quota of the Instance' must be a number from 1");
		expect(() => settingsFromCredential({ ...base, dailyBudget: 'calls', dailyBudgetCalls: -5 })).toThrow("'Daily Call Budget (Calls)' must be a number from 1");
	});
});
