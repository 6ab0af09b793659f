import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileKey, stateKey, timersKey } from '../../src/adapters/redis/keys.ts';
import { decodeProfile } from '../../src/adapters/redis/profile-codec.ts';
import { CorruptStoredValueError, encodeStoredState, RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import { describeIntegration } from '../support/integration.ts';
import { customerProfile, customerState, realisticCustomerState, stateStoreContract } from '../support/state-store-contract.ts';

const STATE_TTL_SECONDS = 90 * 24 * 3600;

describeIntegration('redis state store', (context) => {
  let testNumber = 0;
  /** A store on a client of its own (closing the store quits it), under a prefix of its own. */
  function openStore(): { store: RedisStateStore; prefix: string } {
    testNumber += 1;
    const prefix = `${context.redisPrefix}${testNumber}:`;
    const store = new RedisStateStore(new Redis(context.endpoints.redisUrl), { prefix, stateTtlSeconds: STATE_TTL_SECONDS });
    return { store, prefix };
  }

  describe('contract', () => {
    stateStoreContract(() => openStore().store);
  });

  describe('on Redis itself', () => {
    let redis: Redis;
    let store: RedisStateStore;
    let prefix: string;
    beforeAll(() => {
      redis = new Redis(context.endpoints.redisUrl);
      ({ store, prefix } = openStore());
    });
    afterAll(async () => {
      await store.close();
      redis.disconnect();
    });

    it('keeps a customer in its own slot: keys as documented, profile as its compact record, no TTL but on the state', async () => {
      await store.putProfiles([{ customerId: 'k-1', profile: customerProfile('k-1') }]);
      await store.commit([{ customerId: 'k-1', expectedRev: 0, state: customerState('k-1') }], [{ scope: 'p-3', customerId: 'k-1', due: 5 }]);
      expect(stateKey(prefix, 'k-1')).toBe(`${prefix}{c:k-1}:state`);
      expect(timersKey(prefix, 'p-3')).toBe(`${prefix}timers:{p-3}`);
      expect(decodeProfile((await redis.getBuffer(profileKey(prefix, 'k-1')))!)).toEqual(customerProfile('k-1'));
      expect(await redis.zrange(timersKey(prefix, 'p-3'), 0, -1, 'WITHSCORES')).toEqual(['k-1', '5']);
      const stateTtl = await redis.ttl(stateKey(prefix, 'k-1'));
      expect(stateTtl).toBeGreaterThan(STATE_TTL_SECONDS - 60);
      expect(stateTtl).toBeLessThanOrEqual(STATE_TTL_SECONDS);
      expect(await redis.ttl(profileKey(prefix, 'k-1'))).toBe(-1);
      expect(await redis.ttl(timersKey(prefix, 'p-3'))).toBe(-1);
    });

    it('refreshes the state TTL on every write', async () => {
      await store.commit([{ customerId: 'k-2', expectedRev: 0, state: customerState('k-2') }], []);
      await redis.expire(stateKey(prefix, 'k-2'), 10);
      await store.commit([{ customerId: 'k-2', expectedRev: 1, state: customerState('k-2', { rev: 2 }) }], []);
      expect(await redis.ttl(stateKey(prefix, 'k-2'))).toBeGreaterThan(STATE_TTL_SECONDS - 60);
    });

    it('keeps committing after SCRIPT FLUSH (ioredis falls back from EVALSHA to EVAL)', async () => {
      await store.commit([{ customerId: 'k-3', expectedRev: 0, state: customerState('k-3') }], []);
      await redis.script('FLUSH');
      const result = await store.commit(
        [
          { customerId: 'k-3', expectedRev: 1, state: customerState('k-3', { rev: 2 }) },
          { customerId: 'k-4', expectedRev: 0, state: customerState('k-4') },
          { customerId: 'k-5', expectedRev: 7, state: customerState('k-5', { rev: 8 }) },
        ],
        [],
      );
      expect(result).toEqual({ conflicts: ['k-5'] });
      expect([...(await store.load(['k-3', 'k-4'])).values()].map((customer) => customer.rev)).toEqual([2, 1]);
    });

    it('surfaces a corrupt state or profile as an error naming the key', async () => {
      await redis.set(stateKey(prefix, 'k-6'), 'not a state');
      await expect(store.load(['k-6'])).rejects.toThrow(CorruptStoredValueError);
      await expect(store.load(['k-6'])).rejects.toThrow(stateKey(prefix, 'k-6'));
      await redis.set(stateKey(prefix, 'k-7'), Buffer.concat([Buffer.from('3|s'), Buffer.from([0x92, 0x01])]));
      await expect(store.load(['k-7'])).rejects.toThrow(/does not decode|does not carry the stored revision/);
      await redis.set(profileKey(prefix, 'k-8'), Buffer.from([0x92, 0x01, 0xa4, 0x6b, 0x2d, 0x38]));
      await expect(store.load(['k-8'])).rejects.toThrow(/k-8\}:profile: not a stored profile/);
      await redis.set(profileKey(prefix, 'k-9'), '{oops');
      await expect(store.load(['k-9'])).rejects.toThrow(/k-9\}:profile: not a stored profile/);
    });

    it('refuses, rather than overwrites, a state key holding something without a revision', async () => {
      await redis.set(stateKey(prefix, 'k-10'), 'foreign value');
      await expect(store.commit([{ customerId: 'k-10', expectedRev: 0, state: customerState('k-10') }], [])).rejects.toThrow(
        /holds no revision prefix/,
      );
      expect(await redis.get(stateKey(prefix, 'k-10'))).toBe('foreign value');
    });

    it('keeps a realistic customer within 1 KiB of Redis memory (MEMORY USAGE)', async () => {
      const state = realisticCustomerState('C-000123456');
      await store.commit([{ customerId: state.customerId, expectedRev: 0, state }], []);
      const key = stateKey(prefix, state.customerId);
      const usage = await redis.memory('USAGE', key);
      const json = Buffer.byteLength(JSON.stringify(state));
      const stored = encodeStoredState(state).length;
      console.log(`realistic state: JSON ${json} B, stored value ${stored} B (compact MessagePack record), MEMORY USAGE ${usage} B`);
      expect(await redis.strlen(key)).toBe(stored);
      expect(usage).not.toBeNull();
      expect(usage).toBeLessThanOrEqual(1024);
      expect((await store.load([state.customerId])).get(state.customerId)?.state).toEqual(state);
    });
  });
});
