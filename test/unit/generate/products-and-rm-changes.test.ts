import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productEventSchema } from '../../../src/domain/product-event.ts';
import type { ProductEvent } from '../../../src/domain/product-event.ts';
import { customerProfileSchema } from '../../../src/domain/profile.ts';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import { manifestSchema } from '../../../src/generate/manifest.ts';
import { DAY, generateInMemory, smallBank } from './bank-fixture.ts';
import type { GeneratedInMemory } from './bank-fixture.ts';
import { generateFiles } from './files-fixture.ts';
import type { GeneratedFiles } from './files-fixture.ts';

const isSorted = (values: readonly number[]) => values.every((value, index) => index === 0 || values[index - 1]! <= value);

// real work (generates banks in memory and to files): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('generated product events and RM changes', { timeout: 120_000 }, () => {
  const options = smallBank({ customers: 600, months: 12, rms: 5 });
  let files: GeneratedFiles;
  let memory: GeneratedInMemory;
  let products: ProductEvent[];
  let updates: CustomerProfile[];
  let profiles: CustomerProfile[];

  beforeAll(async () => {
    files = await generateFiles(options);
    products = (await files.lines('products.jsonl')).map((line) => productEventSchema.strict().parse(JSON.parse(line)));
    updates = (await files.lines('profile-updates.jsonl')).map((line) => customerProfileSchema.strict().parse(JSON.parse(line)));
    profiles = (await files.lines('profiles.jsonl')).map((line) => customerProfileSchema.parse(JSON.parse(line)));
    memory = generateInMemory(options);
  }, 120_000);
  afterAll(async () => files.remove());

  it('writes both files, every line valid, in event-time and updatedAt order, counted in the manifest', async () => {
    expect(products.length).toBeGreaterThan(50);
    expect(updates.length).toBeGreaterThan(10);
    expect(isSorted(products.map((event) => event.eventTime))).toBe(true);
    expect(isSorted(updates.map((profile) => profile.updatedAt))).toBe(true);
    const manifest = manifestSchema.parse(JSON.parse(await files.read('manifest.json')));
    expect(manifest.counts).toMatchObject({ productEvents: products.length, profileUpdates: updates.length });
    expect(manifest.output).toMatchObject({ to: 'jsonl', products: 'products.jsonl', profileUpdates: 'profile-updates.jsonl' });
    expect(files.summary).toMatchObject({ productEvents: products.length, profileUpdates: updates.length });
    const period = { from: Date.parse(`${options.start}T00:00:00Z`), to: manifest.period.toTime };
    for (const instant of [...products.map((event) => event.eventTime), ...updates.map((profile) => profile.updatedAt)]) {
      expect(instant).toBeGreaterThanOrEqual(period.from);
      expect(instant).toBeLessThan(period.to);
    }
  });

  it('gives time deposits to a sensible share of customers, most of them rolling over, principals worth a call', () => {
    const holders = new Set(products.map((event) => event.customerId));
    expect(holders.size / options.customers).toBeGreaterThan(0.08);
    expect(holders.size / options.customers).toBeLessThan(0.2);
    const opened = new Map<string, ProductEvent>();
    for (const event of products) if (!opened.has(event.productId)) opened.set(event.productId, event);
    const rollover = [...opened.values()].filter((event) => event.autoRollover).length / opened.size;
    expect(rollover).toBeGreaterThan(0.55);
    expect(rollover).toBeLessThan(0.85);
    const principals = [...opened.values()].map((event) => event.principalMinor).sort((left, right) => left - right);
    expect(principals[Math.floor(principals.length / 2)]).toBeGreaterThan(100_000 * 100);
    for (const event of products) {
      expect(event).toMatchObject({ productKind: 'TIME_DEPOSIT', currency: 'CZK' });
      if (event.status === 'ACTIVE') expect(event.maturityDate * DAY).toBeGreaterThan(event.eventTime);
    }
  });

  it('pays out exactly the deposits that close: a DEPOSIT_MATURITY posting at the CLOSED event, none at a renewal', () => {
    const maturities = memory.transactions.filter((transaction) => transaction.category === 'DEPOSIT_MATURITY');
    const closed = products.filter((event) => event.status === 'CLOSED');
    expect(closed.length).toBeGreaterThan(0);
    expect(maturities.map((posting) => [posting.customerId, posting.eventTime])).toEqual(closed.map((event) => [event.customerId, event.eventTime]));
    for (const posting of maturities) expect(posting).toMatchObject({ direction: 'CREDIT', counterpartyKind: 'OWN_ACCOUNT', channel: 'SYSTEM', initiatedBy: 'SYSTEM' });
    // a renewal: the same contract announced again with a later maturity date, and no posting
    const renewals = products.filter((event, index) => event.status === 'ACTIVE' && products.slice(0, index).some((earlier) => earlier.productId === event.productId));
    expect(renewals.length).toBeGreaterThan(0);
    const paidAt = new Set(maturities.map((posting) => `${posting.customerId}@${posting.eventTime}`));
    expect(renewals.some((event) => paidAt.has(`${event.customerId}@${event.eventTime}`))).toBe(false);
  });

  it('lets an RM leave mid-period: every customer of theirs is marked DEPARTED, then handed to another RM days later', () => {
    const departures = updates.filter((profile) => profile.rmStatus === 'DEPARTED');
    const leavers = new Set(departures.map((profile) => profile.rmId));
    expect(leavers.size).toBe(1);
    const [leaver] = [...leavers];
    const book = profiles.filter((profile) => profile.rmId === leaver).map((profile) => profile.customerId);
    expect(departures.map((profile) => profile.customerId).sort()).toEqual([...book].sort());
    const start = Date.parse(`${options.start}T00:00:00Z`);
    for (const departure of departures) {
      expect(departure.updatedAt).toBeGreaterThan(start + 90 * DAY);
      const handover = updates.find((profile) => profile.customerId === departure.customerId && profile.updatedAt > departure.updatedAt);
      expect(handover, departure.customerId).toBeDefined();
      expect(handover!.rmId).not.toBe(leaver);
      expect(handover!.rmStatus).toBe('ACTIVE');
      expect(handover!.updatedAt - departure.updatedAt).toBeGreaterThanOrEqual(3 * DAY);
      // the rest of the reference data is as it was at the start
      const { rmId: _rm, branchId: _branch, updatedAt: _at, rmStatus: _status, ...rest } = handover!;
      const { rmId: _rm0, branchId: _branch0, updatedAt: _at0, rmStatus: _status0, ...atStart } = profiles.find((profile) => profile.customerId === departure.customerId)!;
      expect(rest).toEqual(atStart);
    }
  });

  it('hands a few customers to another RM on their own, whole households at once', () => {
    const departed = new Set(updates.filter((profile) => profile.rmStatus === 'DEPARTED').map((profile) => profile.customerId));
    const individual = updates.filter((profile) => !departed.has(profile.customerId));
    expect(individual.length).toBeGreaterThanOrEqual(Math.round(options.customers * 0.005));
    const startRm = new Map(profiles.map((profile) => [profile.customerId, profile]));
    for (const profile of individual) {
      expect(profile.rmId).not.toBe(startRm.get(profile.customerId)!.rmId);
      const household = profiles.filter((member) => member.householdId === profile.householdId);
      for (const member of household) expect(individual.some((other) => other.customerId === member.customerId && other.updatedAt === profile.updatedAt)).toBe(true);
    }
  });

  it('changes no RM in a bank with only one', () => {
    const single = generateInMemory(smallBank({ customers: 80, months: 4, rms: 1 }));
    expect(single.bank.profileUpdates()).toEqual([]);
  });
});
