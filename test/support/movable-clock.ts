import { addYears, type Clock } from '@confide/domain';

/**
 * A clock the test moves, for the API's services (`testApi({ clock })`): records age without the test waiting, so no
 * result depends on how fast the machine is. It starts at the real time, to the whole second (TTL's unit). Tokens stay
 * real-time: the token issuer and their verification use the machine's clock.
 */
export class MovableClock implements Clock {
  #now = Math.floor(Date.now() / 1000) * 1000;

  now(): Date {
    return new Date(this.#now);
  }

  set(at: Date): void {
    this.#now = at.getTime();
  }

  advanceYears(years: number): void {
    this.#now = addYears(this.now(), years).getTime();
  }

  advanceMs(ms: number): void {
    this.#now += ms;
  }
}
