/**
 * `slipway/promote`: points an alias at a version, or moves it to a stage, through the
 * registry service, so the model's approval policy applies: a protected alias or stage for
 * a version that is not approved fails the step (class `user`) with the registry's message.
 * @module
 */

import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

export async function runPromote(context: BuiltinContext): Promise<BuiltinResult> {
  const name = text(context.inputs.name) ?? '';
  const version = text(context.inputs.version) ?? '';
  const alias = text(context.inputs.alias);
  const stage = text(context.inputs.stage);
  const actor = context.execution.actor;
  try {
    if (alias !== undefined) {
      const previous = await context.registry.getVersionByAlias(name, alias).then(
        (v) => String(v.version),
        () => '',
      );
      await context.registry.setAlias(name, alias, version, actor);
      context.log(`'${name}@${alias}' now points at version ${version}${previous === '' ? '' : ` (was ${previous})`}`);
      return { outputs: { 'previous-version': previous } };
    }
    const target = stage ?? 'None';
    const previous = await context.registry.getLatestVersions(name, [target]).then(
      (list) => (list[0] === undefined ? '' : String(list[0].version)),
      () => '',
    );
    await context.registry.transitionStage(name, version, target, context.inputs['archive-existing'] === true, actor);
    context.log(`'${name}' version ${version} moved to ${target}${previous === '' ? '' : ` (latest there was ${previous})`}`);
    return { outputs: { 'previous-version': previous } };
  } catch (e) {
    if (isSlipwayError(e)) throw new BuiltinStepError(`could not promote '${name}' version ${version}: ${e.message}`);
    throw e;
  }
}
