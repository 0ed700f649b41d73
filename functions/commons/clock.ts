/** Domain services take the clock as an argument so tests (and the local runtime's clock) control time. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
