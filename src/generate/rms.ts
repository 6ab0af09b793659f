/** RMs sit four to a branch; RMs and branches are numbered from 0 here, from 1 in their ids. */
export const RMS_PER_BRANCH = 4;

const padded = (prefix: string, number: number, width: number) => `${prefix}${String(number).padStart(width, '0')}`;

export const rmIdOf = (rm: number): string => padded('RM', rm + 1, 4);
export const branchIdOf = (rm: number): string => padded('BR', Math.floor(rm / RMS_PER_BRANCH) + 1, 3);
