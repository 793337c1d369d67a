// @ts-check
/**
 * A TypeDoc plugin for the API docs (typedoc.json loads it).
 *
 * XState infers a machine's type from its whole config: `sessionMachine`'s type arguments spell out
 * every state, transition, guard and action as nested type literals. TypeDoc would render all of it
 * as the machine's "type" and, with `validation.notDocumented`, ask for a doc comment on every
 * `target` and `actions` key of the config. Those are the machine's internals, documented by the
 * generated state chart (docs/state-chart.md), not API. So the listed machines are shown as a plain
 * `StateMachine` and their type arguments, with the reflections TypeDoc made for them, are dropped.
 */
import { Converter, ReflectionKind, makeRecursiveVisitor } from 'typedoc';

/** Exported variables whose type arguments are hidden. */
const MACHINES = new Set(['sessionMachine']);

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const { project } = context;
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Variable)) {
      const type = /** @type {import('typedoc').DeclarationReflection} */ (reflection).type;
      if (!MACHINES.has(reflection.name) || type?.type !== 'reference' || type.typeArguments === undefined) continue;
      const dropNested = makeRecursiveVisitor({
        reflection(literal) {
          project.removeReflection(literal.declaration);
        },
      });
      for (const argument of type.typeArguments) argument.visit(dropNested);
      type.typeArguments = undefined;
    }
  });
}
