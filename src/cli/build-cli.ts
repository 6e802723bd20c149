import { Command } from 'commander';
import { SLIPWAY_VERSION } from '../server/version.js';
import { approvalsCommand } from './approvals-command.js';
import { endpointsCommand } from './endpoints-command.js';
import { executionsCommand } from './executions-command.js';
import { modelsCommand } from './models-command.js';
import { pipelinesCommand } from './pipelines-command.js';
import { predictCommand } from './predict-command.js';
import { runCommand } from './run-command.js';
import { schedulesCommand } from './schedules-command.js';
import { serverCommand } from './server-command.js';
import { webhooksCommand } from './webhooks-command.js';
import { triggersCommand } from './triggers-command.js';
import { demoCommand } from './demo-command.js';

/** The `slipway` command line. */
export function buildCli(): Command {
  const program = new Command('slipway')
    .description('Slipway: MLflow-compatible tracking and MLOps in one self-hosted service.')
    .version(SLIPWAY_VERSION)
    // `slipway`'s own options (`--version`) only before a subcommand, so that subcommands
    // may use the same names (`slipway models audit housing --version 3`).
    .enablePositionalOptions()
    .addCommand(serverCommand())
    .addCommand(modelsCommand())
    .addCommand(webhooksCommand())
    .addCommand(pipelinesCommand())
    .addCommand(runCommand())
    .addCommand(executionsCommand())
    .addCommand(approvalsCommand())
    .addCommand(schedulesCommand())
    .addCommand(triggersCommand())
    .addCommand(endpointsCommand())
    .addCommand(demoCommand())
    .addCommand(predictCommand());
  exitWithStatus2OnUsageErrors(program);
  return program;
}

/**
 * Commander exits with 1 on a usage error (unknown option, missing argument, invalid
 * value); Slipway uses 2 for those, as `slipway server` does for bad configuration, and
 * keeps 1 for failures at run time. Help and `--version` still exit 0. Commands added
 * with `addCommand` do not inherit the override, hence the walk.
 */
function exitWithStatus2OnUsageErrors(command: Command): void {
  command.exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));
  for (const sub of command.commands) exitWithStatus2OnUsageErrors(sub);
}
