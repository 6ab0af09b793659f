import type { ServiceSnapshot } from './prometheus.ts';

/** The service's own OS process, when it runs as one: its memory as the kernel (or its /metrics) reports it. */
export interface ServiceProcessInfo {
  pid: number;
  /** Resident set size now, in bytes (undefined when it cannot be read). */
  residentBytes(): Promise<number | undefined>;
  /** The kernel's high-water mark of the resident set (VmHWM), in bytes; undefined where /proc has none. */
  peakResidentBytes(): Promise<number | undefined>;
}

/** The service under measurement, in the bench's process or in its own: what the phases need of it. */
export interface ServiceHandle {
  /** When the consumer joined its group (performance.now() of this process): the start of consumption. */
  readonly joined: Promise<number>;
  /** Scrapes GET /metrics. */
  snapshot(): Promise<ServiceSnapshot>;
  /** Throws when the service is gone (its process exited without being asked to). */
  assertRunning(): void;
  /** Graceful stop; for a process, SIGTERM and an exit code of 0, or an error. Once only, whoever calls it. */
  stop(): Promise<void>;
  /** Set when the service runs as its own process. */
  readonly process: ServiceProcessInfo | undefined;
  /**
   * The counters of a saturation count from the processes' start, not from the join: set for a group of instances
   * (service-group.ts), one of which consumes while another still starts. Its CPU then includes the start-up.
   */
  readonly countsFromStart?: true;
}
