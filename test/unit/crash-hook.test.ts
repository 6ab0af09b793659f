import { describe, expect, it } from 'vitest';
import { parseCrashPlan, parseStallPoint } from '../../src/service/crash-hook.ts';

describe('test-only crash and stall hooks', () => {
  it('read a crash plan and a stall point, and nothing when unset', () => {
    expect(parseCrashPlan('after-publish:2')).toEqual({ point: 'after-publish', remaining: 2 });
    expect(parseCrashPlan(undefined)).toBeUndefined();
    expect(parseStallPoint('before-store')).toBe('before-store');
    expect(parseStallPoint('')).toBeUndefined();
  });

  it('refuse what they do not know, naming the variable', () => {
    expect(() => parseCrashPlan('before-store:1')).toThrow(/TIDEWATCH_TEST_CRASH_AT/);
    expect(() => parseStallPoint('after-store')).toThrow(/TIDEWATCH_TEST_STALL_AT/);
  });
});
