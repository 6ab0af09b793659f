/** A replay is one input partition: every record's position is (0, its ordinal in the replay). */
export const REPLAY_PARTITION = 0;
/** The timer set of that partition. */
export const REPLAY_TIMER_SCOPE = 'replay:0';
