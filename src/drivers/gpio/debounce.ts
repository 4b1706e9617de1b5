/**
 * Debouncing as pure state: a level counts once it has held, with no edge, for the debounce
 * time. The device layer owns the timer; this only says when to (re)arm it and what settled.
 * Plugins that report every sample (not only changes) do not re-arm it: only a new level does.
 */
export interface DebounceState {
  /** The level that last settled; undefined until the first one does. */
  readonly stable: boolean | undefined;
  /** The latest level reported by the plugin. */
  readonly latest: boolean | undefined;
}

export const initialDebounceState: DebounceState = { stable: undefined, latest: undefined };

/** A reported level. `rearm` says the quiet-period timer must restart. */
export function observeLevel(state: DebounceState, level: boolean): { state: DebounceState; rearm: boolean } {
  if (state.latest === level) return { state, rearm: false };
  return { state: { stable: state.stable, latest: level }, rearm: true };
}

/** The quiet period ran out. `settled` is set when the stable level changed (from undefined too). */
export function settleLevel(state: DebounceState): { state: DebounceState; settled?: { from: boolean | undefined; to: boolean } } {
  if (state.latest === undefined || state.latest === state.stable) return { state };
  return { state: { stable: state.latest, latest: state.latest }, settled: { from: state.stable, to: state.latest } };
}
