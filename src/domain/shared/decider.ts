/** The decider shape: pure functions over plain data, the state folded from events. */
export interface Decider<Command, Event, State, EventIn = Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: EventIn): State;
  initialState(): State;
}
