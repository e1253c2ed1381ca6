/** `Omit` applied to each member of a union (plain `Omit` keeps only the keys common to all members). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
