/**
 * Reads an XState machine's structure: its state nodes and transitions, with the labels people
 * read (event, `after` delay, invoked actor outcome, guard, actions). One home for this walk: the
 * generated docs (`scripts/diagram.ts`: the Mermaid chart and `docs/state-chart.json`) and the
 * devtools chart both use it, so what the panel draws is what the docs show.
 *
 * It only reads plain properties of the machine object (`machine.root`, `node.states`,
 * `node.transitions`), so it imports nothing from XState at run time.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** One transition, with the labels the diagram and the table show. */
export interface TransitionInfo {
  readonly source: AnyStateNode;
  /** Undefined for a transition that only runs actions. */
  readonly targets: readonly AnyStateNode[] | undefined;
  /** The event, `after <delay>`, `always`, or `<actor> done` / `<actor> error` for an invoked actor. */
  readonly event: string;
  /** The guard's name (`a and b` for a composed guard), if any. */
  readonly guard?: string;
  readonly actions: readonly string[];
}

/** Names a guard: its type for a named or parameterized guard, `a and b` for composed ones. */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const composed = (guard as { guards?: unknown }).guards;
    if (Array.isArray(composed)) {
      const parts = composed.map((part) => guardLabel(part) ?? 'inline guard');
      if (guard.name === 'not') return `not ${parts.join(', ')}`;
      return parts.join(` ${guard.name} `);
    }
    return guard.name && guard.name !== 'guard' ? guard.name : 'inline guard';
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'inline guard';
}

/** Names an action: its type for named, parameterized and built-in actions (`xstate.assign`, …). */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const builtIn = (action as { type?: unknown }).type;
    if (typeof builtIn === 'string') return builtIn;
    return action.name || 'inline action';
  }
  if (typeof action === 'object' && action !== null && typeof (action as { type?: unknown }).type === 'string') return (action as { type: string }).type;
  return 'inline action';
}

/**
 * Names the trigger of a transition of `node`: its event type, `after <delay>`, `always`, or
 * `<actor> done` / `<actor> error` for the outcome of an actor the node invokes.
 */
export function eventLabel(node: AnyStateNode, transition: AnyTransitionDefinition): string {
  const type = String(transition.eventType);
  const delay = (transition as { delay?: unknown }).delay;
  if (delay !== undefined) return typeof delay === 'number' ? `after ${delay} ms` : `after ${String(delay)}`;
  if (type === '') return 'always';
  for (const [prefix, outcome] of [['xstate.done.actor.', 'done'], ['xstate.error.actor.', 'error']] as const) {
    if (!type.startsWith(prefix)) continue;
    const invoked = node.invoke.find((definition) => definition.id === type.slice(prefix.length));
    return `${invoked === undefined ? type.slice(prefix.length) : String(invoked.src)} ${outcome}`;
  }
  return type;
}

/** Every state node under (and including) `node`, in document order. */
export function stateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => stateNodes(child as AnyStateNode))];
}

/** Describes one transition definition of `node`. */
export function describeTransition(node: AnyStateNode, transition: AnyTransitionDefinition): TransitionInfo {
  const guard = guardLabel(transition.guard);
  return {
    source: node,
    targets: transition.target,
    event: eventLabel(node, transition),
    ...(guard === undefined ? {} : { guard }),
    actions: transition.actions.map(actionLabel),
  };
}

/** Every transition of every state node, in document order: `on`, invoke outcomes, `after`, then `always`. */
export function transitionsOf(machine: AnyStateMachine): TransitionInfo[] {
  return stateNodes(machine.root).flatMap((node) => {
    const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])] as AnyTransitionDefinition[];
    return all.map((transition) => describeTransition(node, transition));
  });
}

/** A state's name for readers: its path below the machine (`connection.opening`), or the machine's id for the root. */
export function statePath(node: AnyStateNode): string {
  return node.path.length === 0 ? node.machine.id : node.path.join('.');
}
