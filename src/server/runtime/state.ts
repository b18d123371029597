import type { RuntimeState } from '../http/context.js';

/**
 * The runtime's state: read whole by each request (`get`), replaced whole by a reload or a
 * config change (`update`), so a request never sees half of a change.
 */
export class StateCell {
  constructor(private current: RuntimeState) {}

  get = (): RuntimeState => this.current;

  /** The swap: one assignment of a new state made of the old one and `changes`. */
  update(changes: Partial<RuntimeState>): void {
    this.current = { ...this.current, ...changes };
  }
}
