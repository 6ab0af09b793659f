import type { ServiceCounters, ServiceSnapshot } from './prometheus.ts';
import type { ServiceHandle, ServiceProcessInfo } from './service-handle.ts';

/**
 * Several instances of the service in one consumer group (`BENCH_INSTANCES`), measured as one: what the issue's
 * instances-per-core question needs is the group's throughput and the CPU it cost in all, on the same cores.
 * - joined: when the first instance joined: the saturation clock starts there, so the rebalances as the others join
 *   count against the group, never for it; its counters count from the processes' start (`countsFromStart`): the
 *   first may consume for seconds while another still starts, so their CPU includes each one's start-up;
 * - snapshot: every counter summed over the instances (each scraped at once), the event-loop delays the worst
 *   instance's (a record waits on the loop of the instance that owns its partition);
 * - stop: every instance, each to exit 0 on SIGTERM (the first failure is thrown once all have stopped);
 * - process: the instances' resident sets summed (what the node must hold), the pid the first instance's.
 */
export function serviceGroup(members: readonly ServiceHandle[]): ServiceHandle {
  if (members.length === 0) throw new Error('a service group needs at least one instance');
  if (members.length === 1) return members[0]!;
  const joined = Promise.any(members.map((member) => member.joined));
  joined.catch(() => {});
  return {
    joined,
    snapshot: async () => summedSnapshot(await Promise.all(members.map((member) => member.snapshot()))),
    assertRunning: () => {
      for (const member of members) member.assertRunning();
    },
    stop: async () => {
      const outcomes = await Promise.allSettled(members.map((member) => member.stop()));
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    process: summedProcess(members),
    countsFromStart: true,
  };
}

function summedSnapshot(snapshots: readonly ServiceSnapshot[]): ServiceSnapshot {
  const counters = {} as Record<keyof ServiceCounters, number>;
  for (const snapshot of snapshots) {
    for (const key of Object.keys(snapshot.counters) as Array<keyof ServiceCounters>) counters[key] = (counters[key] ?? 0) + snapshot.counters[key];
  }
  return {
    counters,
    eventLoopDelayP99Ms: Math.max(...snapshots.map((snapshot) => snapshot.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...snapshots.map((snapshot) => snapshot.eventLoopDelayMaxMs)),
  };
}

function summedProcess(members: readonly ServiceHandle[]): ServiceProcessInfo | undefined {
  const infos = members.map((member) => member.process);
  if (infos.some((info) => info === undefined)) return undefined;
  const processes = infos as ServiceProcessInfo[];
  const sum = async (read: (info: ServiceProcessInfo) => Promise<number | undefined>) => {
    const values = await Promise.all(processes.map(read));
    return values.some((value) => value === undefined) ? undefined : values.reduce<number>((total, value) => total + value!, 0);
  };
  return { pid: processes[0]!.pid, residentBytes: () => sum((info) => info.residentBytes()), peakResidentBytes: () => sum((info) => info.peakResidentBytes()) };
}
