import { Command } from 'commander';
import { SLIPWAY_VERSION } from '../server/version.js';
import { serverCommand } from './server-command.js';

/** The `slipway` command line. */
export function buildCli(): Command {
  return new Command('slipway')
    .description('Slipway: MLflow-compatible tracking and MLOps in one self-hosted service.')
    .version(SLIPWAY_VERSION)
    .addCommand(serverCommand());
}
